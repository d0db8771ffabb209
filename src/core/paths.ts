import fs from "node:fs";
import os from 'node:os';
import path from 'node:path';

function xdg(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
  const value = env[variable];
  return value && path.isAbsolute(value) ? value : path.join(env.HOME || os.homedir(), fallback);
}

export const configDir = (env: NodeJS.ProcessEnv = process.env) => path.join(xdg(env, 'XDG_CONFIG_HOME', '.config'), 'workmux');
export const stateDir = (env: NodeJS.ProcessEnv = process.env) => path.join(xdg(env, 'XDG_STATE_HOME', '.local/state'), 'workmux');
/** Private runtime files (fifos, locks): $XDG_RUNTIME_DIR when usable, else a per-user dir under the state dir. */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.XDG_RUNTIME_DIR;
  return value && path.isAbsolute(value) ? path.join(value, 'workmux') : path.join(stateDir(env), 'run');
}

/** Expands a leading `~` to the home directory. */
export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  if (p === '~') return env.HOME || os.homedir();
  if (p.startsWith('~/')) return path.join(env.HOME || os.homedir(), p.slice(2));
  return p;
}

let cachedPackageRoot: string | undefined;
/** The installed package's root (where package.json, schema/, templates/ live), from src/ or dist/src/. */
export function packageRoot(): string {
  if (cachedPackageRoot) return cachedPackageRoot;
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('workmux: cannot find its package root');
    dir = parent;
  }
  return (cachedPackageRoot = dir);
}

/** A file's text, or undefined when it cannot be read (absent, a directory, no permission). */
export function readTextIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
