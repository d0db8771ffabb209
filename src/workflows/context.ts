import path from 'node:path';
import { WorkmuxError } from '../core/errors.js';
import { Git } from '../git/repo.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { createBackend, detectBackendKind } from '../../backends/index.js';
import type { Backend } from '../../backends/types.js';
import type { Database } from '../store/db.js';

/** The collaborators a workflow needs. Built once per command; backend and store load lazily. */
export interface WorkmuxContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  git: Git;
  config: ResolvedConfig;
  /** The detected backend, unchecked: reads (list) degrade gracefully when it is unusable. */
  backend(): Promise<Backend>;
  /** The backend after ensureAvailable() (once per command): for workflows that create or change tabs. */
  availableBackend(): Promise<Backend>;
  store(): Promise<Database>;
  /** Progress lines for humans (stderr); silent in --json mode. */
  progress(message: string): void;
}

export interface ContextOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  progress?: (message: string) => void;
  /**
   * The command also works outside a git repository (watch, status, logs, ...): then only the global config
   * applies, and touching `git` throws the usual "not inside a git work tree" error.
   */
  anywhere?: boolean;
}

export async function createContext(options: ContextOptions = {}): Promise<WorkmuxContext> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  let git: Git | undefined;
  let notARepo: unknown;
  try {
    git = await Git.discover(cwd, env);
  } catch (error) {
    if (!options.anywhere || !(error instanceof WorkmuxError)) throw error;
    notARepo = error;
  }
  const config = await loadConfig({ cwd, repoRoot: git?.root ?? cwd, env, projectConfig: git !== undefined });
  const projectName = git?.projectName ?? path.basename(cwd);
  let backend: Promise<Backend> | undefined;
  const getBackend = () =>
    (backend ??= (async () => {
      const kind = detectBackendKind(env, config.backend);
      const settings = (config[kind] ?? {}) as Record<string, unknown>;
      return createBackend(kind, { env, projectName, settings, statusIcons: config.status_icons });
    })());
  let store: Promise<Database> | undefined;
  let available: Promise<Backend> | undefined;
  return {
    cwd,
    env,
    get git(): Git {
      if (!git) throw notARepo;
      return git;
    },
    config,
    backend: getBackend,
    availableBackend() {
      return (available ??= getBackend().then(async (instance) => {
        await instance.ensureAvailable();
        return instance;
      }));
    },
    // Opening the store is synchronous native work (~10 ms): it waits one macrotask so that git/tmux
    // processes the command starts in the same breath are spawned first and run meanwhile.
    store: () =>
      (store ??= new Promise((resolve) => setImmediate(resolve))
        .then(() => import('../store/db.js'))
        .then(({ openStore, defaultStorePath }) => openStore(defaultStorePath(env)))),
    progress: options.progress ?? (() => {}),
  };
}
