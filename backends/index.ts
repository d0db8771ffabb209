import { UsageError, WorkmuxError } from '../src/core/errors.js';
import type { Backend, BackendContext, BackendFactory, BackendKind } from './types.js';

export const BACKEND_KINDS: readonly BackendKind[] = ['tmux', 'wezterm', 'cmux'];

/** Lazy so a command loads only the backend it uses. Adding a multiplexer = one entry here + `backends/<kind>.ts`. */
const loaders: Record<BackendKind, () => Promise<{ createBackend: BackendFactory }>> = {
  tmux: () => import('./tmux.js'),
  wezterm: () => import('./wezterm.js'),
  cmux: () => import('./cmux.js'),
};

/**
 * `WORKMUX_BACKEND`, else config `backend` (unless auto), else the environment we run in:
 * `$CMUX_WORKSPACE_ID` (cmux also sets TERM_PROGRAM=ghostty, so it goes first), `$WEZTERM_PANE`, `$TMUX`;
 * with none, tmux (workmux's own server).
 */
export function detectBackendKind(env: NodeJS.ProcessEnv, configured?: string): BackendKind {
  const explicit = env.WORKMUX_BACKEND || (configured && configured !== 'auto' ? configured : undefined);
  if (explicit) {
    if (!BACKEND_KINDS.includes(explicit as BackendKind)) {
      throw new UsageError(`unknown backend ${JSON.stringify(explicit)}`, { hint: `use one of: auto, ${BACKEND_KINDS.join(', ')}` });
    }
    return explicit as BackendKind;
  }
  if (env.CMUX_WORKSPACE_ID) return 'cmux';
  if (env.WEZTERM_PANE) return 'wezterm';
  return 'tmux';
}

export async function createBackend(kind: BackendKind, ctx: BackendContext): Promise<Backend> {
  let module: { createBackend: BackendFactory };
  try {
    module = await loaders[kind]();
  } catch (error) {
    throw new WorkmuxError(`the ${kind} backend could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  return module.createBackend(ctx);
}
