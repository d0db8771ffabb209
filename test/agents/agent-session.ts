/**
 * What every real-agent harness shares: a throwaway HOME and project dir, the agent's API mock, a private tmux
 * server whose first pane runs a plain bash, and a dispose() that ends all of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedEnv, makeTempDir, startPrivateTmux, type PrivateTmux } from './private-tmux.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Through node_modules/.bin so the process is named as in a user's install. */
export const agentBin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);

export interface AgentSession<M> {
  readonly mock: M;
  readonly tmux: PrivateTmux;
  readonly pane: string;
  /** The project directory the agent runs in (trusted in its config). */
  readonly cwd: string;
  readonly home: string;
  /** Types the agent's command into the pane's shell. */
  launch(): Promise<void>;
  /** Everything the harness started ends here: tmux server, mock, temp dirs. */
  dispose(): Promise<void>;
}

export interface AgentSessionSpec<M extends { close(): Promise<void> }> {
  label: string;
  mock: M;
  /** Writes the agent's config into the throwaway HOME. */
  writeHome(home: string, cwd: string): Promise<void> | void;
  /** Extra environment of the pane (a function when it depends on the throwaway HOME). */
  env: Record<string, string> | ((home: string) => Record<string, string>);
  command: string;
  cols?: number;
  rows?: number;
}

export async function startAgentSession<M extends { close(): Promise<void> }>(spec: AgentSessionSpec<M>): Promise<AgentSession<M>> {
  const root = makeTempDir(`wm-${spec.label}-`);
  const home = path.join(root, 'home');
  const cwd = path.join(root, 'project');
  fs.mkdirSync(home);
  fs.mkdirSync(cwd);
  let tmux: PrivateTmux | undefined;
  try {
    await spec.writeHome(home, cwd);
    const env = typeof spec.env === 'function' ? spec.env(home) : spec.env;
    tmux = startPrivateTmux(isolatedEnv(home, env), spec.label);
    const pane = await tmux.newSession(spec.label, cwd, { cols: spec.cols ?? 110, rows: spec.rows ?? 36 });
    const server = tmux;
    return {
      mock: spec.mock,
      tmux: server,
      pane,
      cwd,
      home,
      launch: () => server.typeLine(pane, spec.command),
      async dispose() {
        await server.kill();
        await spec.mock.close();
        await removeDirWhenQuiet(root);
      },
    };
  } catch (error) {
    await tmux?.kill();
    await spec.mock.close();
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** An agent may still be flushing into HOME for a moment after its pane is gone: retry until the dir is quiet. */
async function removeDirWhenQuiet(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
