import type { CommandModule } from 'yargs';
import { addCommand, startAddEarly } from './add.js';
import { listCommand } from './list.js';
import { openCommand, closeCommand, pathCommand } from './tabs.js';
import { removeCommand } from './remove.js';
import { mergeCommand } from './merge.js';
import { sendCommand, captureCommand } from './agent-io.js';
import { stopCommand } from './stop.js';
import { trustCommand } from './trust.js';
import { initCommand } from './init.js';
import { rulesCommand } from './rules.js';
import { resumeCommand } from './resume.js';
import { watchCommand } from './watch.js';
import { statusCommand } from './status.js';
import { logsCommand } from './logs.js';
import { searchCommand } from './search.js';
import { eventsCommand } from './events.js';
import { waitCommand } from './wait.js';

/** Every verb, in the order `workmux --help` lists them. Add a command: one import, one entry. */
export const commands: CommandModule<object, any>[] = [
  addCommand,
  listCommand,
  openCommand,
  closeCommand,
  removeCommand,
  mergeCommand,
  pathCommand,
  sendCommand,
  captureCommand,
  stopCommand,
  trustCommand,
  initCommand,
  rulesCommand,
  resumeCommand,
  watchCommand,
  statusCommand,
  logsCommand,
  searchCommand,
  eventsCommand,
  waitCommand,
];

/** Per verb, work started from the raw arguments before yargs parses them (see startAddEarly). */
export const earlyStarts: Record<string, (rest: readonly string[]) => void> = {
  add: startAddEarly,
};
