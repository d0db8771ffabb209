/** A cmux backend wired to a private cmux emulator, for backend, contract and exit-ladder tests. */
import fs from 'node:fs';
import path from 'node:path';
import { createCmuxBackend, type CmuxBackend, type CmuxTimings } from '../../../backends/cmux.js';
import type { AgentStatus, Tab, TabSpec } from '../../../backends/types.js';
import { startCmuxEmulator, type CmuxEmulator, type CmuxEmulatorOptions } from './harness.js';

export const STATUS_ICONS: Record<AgentStatus, string> = { working: '🤖', waiting: '💬', done: '✅' };
export const FAST_TIMINGS: Partial<CmuxTimings> = { confirmTextMs: 800, launcherStartMs: 3000, pollMs: 100 };

export function cmuxBackendFor(env: NodeJS.ProcessEnv, settings: Record<string, unknown> = {}): CmuxBackend {
  return createCmuxBackend({ env, projectName: 'proj', settings, statusIcons: STATUS_ICONS }, FAST_TIMINGS);
}

/** Opens a tab the way the shared layer does: handshake first, a pane command that signals and becomes a shell. */
export async function openReadyTab(backend: CmuxBackend, spec: Partial<TabSpec> & { name: string; cwd: string }): Promise<Tab> {
  const handshake = await backend.handshake();
  try {
    const tab = await backend.openTab({
      background: true,
      ...spec,
      command: ['sh', '-c', `${handshake.signalScript}; exec "\${SHELL:-/bin/sh}"`],
    });
    await handshake.wait(10_000);
    return tab;
  } finally {
    await handshake.dispose();
  }
}

export interface EmulatedCmux {
  em: CmuxEmulator;
  /** Every emulator invocation, as argv arrays (from CMUX_EMULATOR_LOG). */
  invocations(): string[][];
}

export async function startLoggedEmulator(options: CmuxEmulatorOptions = {}): Promise<EmulatedCmux> {
  const placeholder = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'workmux-cmux-log-'));
  const log = path.join(placeholder, 'calls.jsonl');
  const em = await startCmuxEmulator({ ...options, env: { CMUX_EMULATOR_LOG: log, ...options.env } });
  const cleanup = em.cleanup;
  em.cleanup = async () => {
    await cleanup();
    fs.rmSync(placeholder, { recursive: true, force: true });
  };
  return {
    em,
    invocations: () =>
      fs.existsSync(log)
        ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { argv: string[] }).argv)
        : [],
  };
}
