import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stateDir } from '../core/paths.js';
import type { ConfigFile } from './types.js';

/**
 * The trust rule: commands in the GLOBAL config always run (the user wrote them). Commands in a PROJECT
 * config (agents, hooks, pane commands, an agent that is a command line, rule `run` actions) came with the
 * repository, so they run only after the user reviewed them with `workmux trust`, which records a
 * fingerprint of exactly those values; changing any of them asks again. Keys that run nothing never need it.
 */
export function commandKeysOf(config: ConfigFile, knownAgentNames: readonly string[]): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  if (config.agent !== undefined && !knownAgentNames.includes(config.agent) && !(config.agents && config.agent in config.agents)) {
    found.agent = config.agent;
  }
  for (const key of ['agents', 'post_create', 'pre_remove', 'pre_merge'] as const) {
    if (config[key] !== undefined) found[key] = config[key];
  }
  const paneCommands = (config.panes ?? []).map((pane) => pane.command).filter((c) => c && c !== '<agent>');
  if (paneCommands.length) found.panes = paneCommands;
  // Rules type into panes (which are shells once an agent exits) and can `run` commands: all of them count.
  for (const key of ['rules', 'rule_packs'] as const) {
    if (config[key] !== undefined) found[key] = config[key];
  }
  return found;
}

export function fingerprint(projectFile: string, commandValues: Record<string, unknown>): string {
  return crypto.createHash('sha256').update(JSON.stringify([path.resolve(projectFile), commandValues])).digest('hex');
}

const trustFile = (env: NodeJS.ProcessEnv) => path.join(stateDir(env), 'trusted-projects.json');

function readTrust(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(trustFile(env), 'utf8'));
  } catch {
    return {};
  }
}

export function isTrusted(projectFile: string, print: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return readTrust(env)[path.resolve(projectFile)] === print;
}

/** Records (or, with print undefined, forgets) the trusted fingerprint of a project file. */
export function recordTrust(projectFile: string, print: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const trust = readTrust(env);
  if (print === undefined) delete trust[path.resolve(projectFile)];
  else trust[path.resolve(projectFile)] = print;
  fs.mkdirSync(path.dirname(trustFile(env)), { recursive: true, mode: 0o700 });
  const tmp = `${trustFile(env)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(trust, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, trustFile(env));
}
