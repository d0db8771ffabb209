#!/usr/bin/env node
// An emulator of `wezterm cli` over a real tmux server (the tmux socket is $WEZTERM_UNIX_SOCKET).
// Follows ../../../../shared/contracts/wezterm-cli.md: usage errors like clap (stderr, exit 2), runtime
// errors as `<time>  ERROR  wezterm > <message>; terminating` (exit 1). Self-contained: no imports from src/.

import fs from 'node:fs';
import { UsageFailure, formatUsageFailure, parseArgs } from './clap.mjs';
import { CLI_OPTIONS, CLI_USAGE, SUBCOMMANDS, helpText } from './spec.mjs';
import { Mux, RuntimeFailure } from './mux.mjs';
import { getText, list, listClients } from './commands-read.mjs';
import { killPane, movePaneToNewTab, spawn, splitPane } from './commands-layout.mjs';
import { activatePane, activateTab, renameWorkspace, sendText, setTabTitle, setWindowTitle, zoomPane } from './commands-control.mjs';

const HANDLERS = {
  list,
  'list-clients': listClients,
  spawn,
  'split-pane': splitPane,
  'send-text': sendText,
  'get-text': getText,
  'kill-pane': killPane,
  'activate-pane': activatePane,
  'activate-tab': activateTab,
  'set-tab-title': setTabTitle,
  'set-window-title': setWindowTitle,
  'rename-workspace': renameWorkspace,
  'zoom-pane': zoomPane,
  'move-pane-to-new-tab': movePaneToNewTab,
};

const TOP_USAGE = 'wezterm [OPTIONS] [COMMAND]';
const VERSION = 'wezterm 20240203-110809-5046fc22 (emulated over tmux)';

/** `wezterm [--config NAME=VALUE]... [-n|--skip-config] [--config-file F] cli ...` → config overrides and the rest. */
function parseTopLevel(argv) {
  const config = {};
  let i = 0;
  for (; i < argv.length; i += 1) {
    const token = argv[i];
    if (token === '-n' || token === '--skip-config') continue;
    if (token === '--config-file') {
      i += 1;
      continue;
    }
    if (token === '--config') {
      const pair = argv[i + 1];
      if (pair === undefined) throw new UsageFailure("a value is required for '--config <name=value>' but none was supplied", TOP_USAGE);
      const eq = pair.indexOf('=');
      if (eq < 1) throw new UsageFailure(`invalid value '${pair}' for '--config <name=value>': Expected name=value`, TOP_USAGE);
      config[pair.slice(0, eq)] = pair.slice(eq + 1);
      i += 1;
      continue;
    }
    break;
  }
  return { config, rest: argv.slice(i) };
}

/** Splits `cli [--no-auto-start] [--prefer-mux] [--class C] <sub> ...` at the subcommand. */
function splitCliArgs(args) {
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) {
    i += args[i] === '--class' ? 2 : 1;
  }
  return { globals: args.slice(0, Math.min(i, args.length)), sub: args[i], subArgs: args.slice(i + 1) };
}

function timestamp() {
  const d = new Date();
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function main(argv) {
  const { config, rest } = parseTopLevel(argv);
  const [command, ...args] = rest;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'cli') {
    if (command === undefined) throw new UsageFailure('a subcommand is required', TOP_USAGE);
    throw new UsageFailure(command.startsWith('-') ? `unexpected argument '${command}' found` : `unrecognized subcommand '${command}'`, TOP_USAGE);
  }
  const { globals, sub, subArgs } = splitCliArgs(args);
  const cli = parseArgs(CLI_OPTIONS, globals);
  if (sub === undefined) throw new UsageFailure("'wezterm cli' requires a subcommand but one was not provided", CLI_USAGE);
  if (sub === 'help') {
    process.stdout.write(helpText(SUBCOMMANDS[subArgs[0]] ? subArgs[0] : undefined));
    return 0;
  }
  const spec = SUBCOMMANDS[sub];
  if (!spec) throw new UsageFailure(`unrecognized subcommand '${sub}'`, CLI_USAGE);
  let parsed;
  try {
    parsed = parseArgs(spec, subArgs);
  } catch (error) {
    if (error.help) {
      process.stdout.write(helpText(sub));
      return 0;
    }
    throw error;
  }
  const mux = new Mux(process.env, { autoStart: !cli.flags['no-auto-start'] });
  HANDLERS[sub]({
    mux,
    env: process.env,
    config,
    flags: parsed.flags,
    positionals: parsed.positionals,
    out: (text) => process.stdout.write(text),
    readStdin: () => fs.readFileSync(0),
  });
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageFailure) {
    process.stderr.write(formatUsageFailure(error));
    process.exitCode = 2;
  } else if (error?.help) {
    process.stdout.write(helpText());
    process.exitCode = 0;
  } else {
    const message = error instanceof RuntimeFailure ? error.message : String(error?.stack ?? error);
    for (const warning of error?.warnings ?? []) process.stderr.write(`${timestamp()}  WARN   ${warning}\n`);
    process.stderr.write(`${timestamp()}  ERROR  wezterm > ${message}; terminating\n`);
    process.exitCode = 1;
  }
}
