import type { CommandModule } from 'yargs';
import { addCommand } from './add.js';
import { listCommand } from './list.js';
import { openCommand, closeCommand, pathCommand } from './tabs.js';
import { removeCommand } from './remove.js';
import { sendCommand, captureCommand } from './agent-io.js';
import { trustCommand } from './trust.js';

/** Every verb, in the order `workmux --help` lists them. Add a command: one import, one entry. */
export const commands: CommandModule<object, any>[] = [
  addCommand,
  listCommand,
  openCommand,
  closeCommand,
  removeCommand,
  pathCommand,
  sendCommand,
  captureCommand,
  trustCommand,
];
