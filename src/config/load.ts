import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { configDir } from '../core/paths.js';
import { UsageError } from '../core/errors.js';
import { PROFILE_NAMES } from '../agents/profiles.js';
import { validateConfigFile } from './validate.js';
import { mergeConfig, stripGlobalMarkers } from './merge.js';
import { commandKeysOf, fingerprint, isTrusted } from './trust.js';
import type { ConfigFile, ResolvedConfig } from './types.js';

export const PROJECT_CONFIG_FILES = [
  'workmux.config.yaml',
  'workmux.config.yml',
  '.workmux.yaml',
  '.workmux.yml',
  '.workmuxrc',
  '.workmuxrc.yaml',
  '.workmuxrc.yml',
  '.workmuxrc.json',
  'package.json',
];

export const DEFAULT_STATUS_ICONS = { working: '🤖', waiting: '💬', done: '✅' } as const;

export function globalConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'config.yaml');
}

/** cosmiconfig parses the files; it is loaded only when a config file exists (start-up time matters). */
async function explorer() {
  // require, not import(): the start-up snapshot (scripts/snapshot.mjs) has no module loader to import with.
  const { cosmiconfig } = createRequire(import.meta.url)('cosmiconfig') as typeof import('cosmiconfig');
  return cosmiconfig('workmux', { searchPlaces: PROJECT_CONFIG_FILES, packageProp: 'workmux', cache: false, searchStrategy: 'none' });
}

async function loadFile(file: string): Promise<ConfigFile> {
  try {
    const result = await (await explorer()).load(file);
    const config = (result?.config ?? {}) as ConfigFile;
    validateConfigFile(config, file);
    return config;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const reason = (error as Error).message.split('\n')[0];
    throw new UsageError(`${file}: cannot parse: ${reason}`, { hint: 'fix the YAML/JSON syntax', cause: error });
  }
}

/** Project config: the first file found walking from `cwd` up to (and including) the repository root. */
export async function findProjectConfig(cwd: string, repoRoot: string): Promise<string | undefined> {
  const stop = path.resolve(repoRoot);
  let dir = path.resolve(cwd);
  // Outside the repository (unusual): only look at the repository root.
  if (dir !== stop && !dir.startsWith(stop + path.sep)) dir = stop;
  for (;;) {
    for (const name of PROJECT_CONFIG_FILES) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) continue;
      if (name === 'package.json') {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        if (!('workmux' in pkg)) continue;
      }
      return file;
    }
    if (dir === stop) return undefined;
    dir = path.dirname(dir);
  }
}

export function applyDefaults(config: ConfigFile): Omit<ResolvedConfig, 'sources'> {
  return {
    ...config,
    window_prefix: config.window_prefix ?? 'wm-',
    agents: config.agents ?? {},
    panes: config.panes?.length ? config.panes : [{ command: '<agent>', focus: true }],
    files: { copy: config.files?.copy ?? [], symlink: config.files?.symlink ?? [] },
    post_create: config.post_create ?? [],
    pre_remove: config.pre_remove ?? [],
    pre_merge: config.pre_merge ?? [],
    merge_strategy: config.merge_strategy ?? 'merge',
    merge_no_ff: config.merge_no_ff ?? false,
    merge_keep: config.merge_keep ?? false,
    status_icons: { ...DEFAULT_STATUS_ICONS, ...config.status_icons },
    handshake_timeout_ms: config.handshake_timeout_ms ?? 5000,
  };
}

/** Loads global + project config, validates both, merges them and applies defaults. */
export async function loadConfig(options: { cwd: string; repoRoot: string; env?: NodeJS.ProcessEnv; projectConfig?: boolean }): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const globalFile = globalConfigPath(env);
  const globalConfig = fs.existsSync(globalFile) ? stripGlobalMarkers(await loadFile(globalFile)) : {};
  const projectFile = options.projectConfig === false ? undefined : await findProjectConfig(options.cwd, options.repoRoot);
  const projectConfig = projectFile ? await loadFile(projectFile) : {};
  if (projectFile && 'trust_all_projects' in projectConfig) {
    throw new UsageError(`${projectFile}: key "trust_all_projects": only allowed in the global config (${globalFile})`);
  }
  const commandValues = projectFile ? commandKeysOf(projectConfig, PROFILE_NAMES) : {};
  const projectCommandKeys = Object.keys(commandValues);
  const print = projectFile && projectCommandKeys.length ? fingerprint(projectFile, commandValues) : undefined;
  const projectTrusted =
    projectCommandKeys.length === 0 || globalConfig.trust_all_projects === true || (print !== undefined && isTrusted(projectFile!, print, env));
  const merged = stripGlobalMarkers(mergeConfig(globalConfig as Record<string, unknown>, projectConfig as Record<string, unknown>)) as ConfigFile;
  return {
    ...applyDefaults(merged),
    sources: {
      globalFile: fs.existsSync(globalFile) ? globalFile : undefined,
      projectFile,
      projectCommandKeys,
      projectTrusted,
      projectCommandsFingerprint: print,
    },
  };
}

/** Called before running anything configured: refuses untrusted project commands with the fix. */
export function assertProjectCommandsTrusted(config: ResolvedConfig): void {
  const { projectFile, projectCommandKeys, projectTrusted } = config.sources;
  if (projectTrusted || !projectFile) return;
  throw new UsageError(
    `${projectFile} defines commands (${projectCommandKeys.join(', ')}) that you have not trusted yet`,
    { hint: 'review them, then run `workmux trust` (or set trust_all_projects: true in your global config)' },
  );
}
