#!/usr/bin/env node
// Emulator of the `cmux` CLI (shared/contracts/cmux-cli.md) over a real tmux server at $CMUX_SOCKET_PATH.
// Self-contained: imports nothing from src/. See README.md for the mapping, knobs and emulator-only verbs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, SocketError, parseArgv, usage } from './args.mjs';
import { createWorkspace, startApp } from './actions.mjs';
import { VERSION_LINE, checkAccess, handlers } from './commands.mjs';
import { Tmux, loadState, selectedWorkspace } from './state.mjs';

const env = process.env;
const stdout = [];

function main(argv) {
  logInvocation(argv);
  const args = parseArgv(argv);
  if (args.version) return stdout.push(VERSION_LINE);
  if (args.command === 'help') return stdout.push(usage);
  const socket = args.socket ?? env.CMUX_SOCKET_PATH ?? path.join(env.HOME || os.homedir(), '.local/state/cmux/cmux.sock');
  const tmux = new Tmux(socket);
  const ctx = {
    args, env, tmux, model: undefined,
    print: (line) => stdout.push(line),
    warn: (line) => process.stderr.write(`${line}\n`),
  };
  if (args.command === '__boot') return boot(ctx);
  if (!fs.existsSync(socket)) throw new CliError(`Socket not found at ${socket} (is cmux running?)`);
  ctx.model = loadState(tmux);
  checkAccess(ctx);
  handlers[args.command](ctx);
}

/** Emulator-only: starts the app (tmux server) with one window holding one workspace; prints their UUIDs. */
function boot(ctx) {
  startApp(ctx.tmux, env);
  ctx.model = loadState(ctx.tmux);
  if (ctx.model.windows.length === 0) createWorkspace(ctx, { window: null, cwd: ctx.args.flags['--cwd'], focus: true });
  ctx.model = loadState(ctx.tmux);
  const window = ctx.model.focusedWindow;
  const workspace = selectedWorkspace(window);
  stdout.push(JSON.stringify({
    socket_path: ctx.tmux.socket, window_id: window.uuid, workspace_id: workspace.uuid, surface_id: workspace.surfaces[0].uuid,
  }));
}

/** CMUX_EMULATOR_LOG=<file>: one JSON line per invocation (argv + caller ids), so tests can audit what was called. */
function logInvocation(argv) {
  if (!env.CMUX_EMULATOR_LOG) return;
  const entry = { argv, workspace: env.CMUX_WORKSPACE_ID ?? null, surface: env.CMUX_SURFACE_ID ?? null };
  fs.appendFileSync(env.CMUX_EMULATOR_LOG, `${JSON.stringify(entry)}\n`);
}

let exitCode = 0;
try {
  main(process.argv.slice(2));
} catch (error) {
  if (error instanceof SocketError) {
    process.stderr.write(`ERROR: ${error.message}\n`);
    exitCode = 1;
  } else if (error instanceof CliError) {
    process.stderr.write(`Error: ${error.message}\n`);
    exitCode = error.exitCode;
  } else {
    process.stderr.write(`Error: ${error?.stack ?? error}\n`);
    exitCode = 1;
  }
}
if (stdout.length) process.stdout.write(`${stdout.join('\n')}\n`);
process.exitCode = exitCode;
