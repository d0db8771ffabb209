/**
 * The shared exit ladder: unit tests on a scripted pane with a fake clock, and fake agents (shell scripts that
 * ignore /exit, or Ctrl-C, or everything) in real tmux panes driven through the cmux backend and its emulator.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CmuxBackend } from '../backends/cmux.js';
import { exitAgent, paneBackToShell, shellPromptAtBottom, type LadderClock } from '../backends/exit-escalation.js';
import type { Key } from '../backends/types.js';
import { cmuxBackendFor, openReadyTab } from './emulators/cmux/backend-fixture.js';
import { startCmuxEmulator, type CmuxEmulator } from './emulators/cmux/harness.js';
import { waitFor } from './emulators/cmux/run.js';

/** A pane whose agent leaves on the inputs listed in `exitsOn` ('/exit' text, or a key). */
function scriptedPane(exitsOn: Array<string>, options: { failText?: boolean } = {}) {
  const inputs: string[] = [];
  let exited = false;
  let pendingText = '';
  const backend = {
    async sendText(_pane: string, text: string) {
      inputs.push(`text:${text}`);
      if (options.failText) throw new Error('text dropped');
      pendingText = text;
    },
    async sendKey(_pane: string, key: Key) {
      inputs.push(`key:${key}`);
      if (key === 'enter' && exitsOn.includes(pendingText)) exited = true;
      if (exitsOn.includes(key)) exited = true;
      if (key === 'enter') pendingText = '';
    },
    async capture(): Promise<string> {
      return exited ? 'bye\n$ ' : 'agent working\n❯ \n? for shortcuts';
    },
  };
  return { backend, inputs, isExited: () => exited };
}

function fakeClock(): LadderClock & { sleeps: number[]; elapsed(): number } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    elapsed: () => now,
  };
}

describe('exit ladder (scripted pane, fake clock)', () => {
  it('returns already-exited without typing anything when a shell prompt is showing', async () => {
    const pane = scriptedPane([]);
    pane.backend.capture = async () => 'agent said bye\n$ ';
    expect(await exitAgent(pane.backend, '%1', { exitText: '/exit', clock: fakeClock() })).toEqual({ exited: true, tier: 'already-exited' });
    expect(pane.inputs).toEqual([]);
  });

  it('stops at the agent\'s own exit command (Claude /exit, Codex Ctrl-C)', async () => {
    const claude = scriptedPane(['/exit']);
    expect(await exitAgent(claude.backend, '%1', { exitText: '/exit', clock: fakeClock() })).toEqual({ exited: true, tier: 'exit-command' });
    expect(claude.inputs).toEqual(['text:/exit', 'key:enter']);
    const codex = scriptedPane(['ctrl-c']);
    expect(await exitAgent(codex.backend, '%1', { exitKey: 'ctrl-c', clock: fakeClock() })).toEqual({ exited: true, tier: 'exit-command' });
    expect(codex.inputs).toEqual(['key:ctrl-c']);
  });

  it('escalates to Ctrl-C (twice) after 3 s of polling every 200 ms', async () => {
    const pane = scriptedPane(['ctrl-c']);
    const clock = fakeClock();
    expect(await exitAgent(pane.backend, '%1', { exitText: '/quit', clock })).toEqual({ exited: true, tier: 'ctrl-c' });
    expect(pane.inputs).toEqual(['text:/quit', 'key:enter', 'key:ctrl-c', 'key:ctrl-c']);
    expect(clock.sleeps.slice(0, 15)).toEqual(Array(15).fill(200)); // 3000 ms of 200 ms polls for tier 1
    expect(clock.sleeps[15]).toBe(150); // the gap between the two Ctrl-C presses
  });

  it('escalates to Ctrl-D, and keeps climbing when a tier could not even be sent', async () => {
    const pane = scriptedPane(['ctrl-d'], { failText: true });
    expect(await exitAgent(pane.backend, '%1', { exitText: '/exit', clock: fakeClock() })).toEqual({ exited: true, tier: 'ctrl-d' });
    expect(pane.inputs).toEqual(['text:/exit', 'key:ctrl-c', 'key:ctrl-c', 'key:ctrl-d']);
  });

  it('reports failure with what the screen showed', async () => {
    const pane = scriptedPane([]);
    const outcome = await exitAgent(pane.backend, '%7', { exitText: '/exit', clock: fakeClock(), waitMs: 1000, pollMs: 250 });
    expect(outcome.exited).toBe(false);
    if (outcome.exited) return;
    expect(outcome.screen).toContain('? for shortcuts');
    expect(outcome.error.message).toBe('the agent in pane %7 did not exit (tried exit-command → ctrl-c → ctrl-d)');
    expect(outcome.error.detail).toContain('agent working');
  });

  it('uses an injected exit check instead of the screen', async () => {
    const pane = scriptedPane(['ctrl-c']);
    let captures = 0;
    pane.backend.capture = async () => {
      captures++;
      return '$ ';
    };
    const outcome = await exitAgent(pane.backend, '%1', { exitText: '/exit', isExited: async () => pane.isExited(), clock: fakeClock() });
    expect(outcome).toEqual({ exited: true, tier: 'ctrl-c' });
    expect(captures).toBe(0);
  });

  it('reads the pane list for a shell in the foreground (or a gone pane)', async () => {
    const panes = [
      { id: '%1', currentCommand: 'claude', dead: false },
      { id: '%2', currentCommand: '-zsh', dead: false },
      { id: '%3', currentCommand: 'node', dead: true },
    ];
    const backend = { listPanes: async () => panes as never };
    expect(await paneBackToShell(backend, '%1')()).toBe(false);
    expect(await paneBackToShell(backend, '%2')()).toBe(true);
    expect(await paneBackToShell(backend, '%3')()).toBe(true);
    expect(await paneBackToShell(backend, '%9')()).toBe(true);
  });

  it('recognises shell prompts but not agent prompts', () => {
    expect(shellPromptAtBottom('x\n$ \n\n')).toBe(true);
    expect(shellPromptAtBottom('user@host:~/repo% ')).toBe(true);
    expect(shellPromptAtBottom('root@host:/# ')).toBe(true);
    expect(shellPromptAtBottom('~/repo on  main\n❯ ')).toBe(true);
    expect(shellPromptAtBottom('aider> ')).toBe(false);
    expect(shellPromptAtBottom('────\n❯ \n────\n  ? for shortcuts')).toBe(false);
    expect(shellPromptAtBottom(' >   Type your message or @path/to/file')).toBe(false);
    expect(shellPromptAtBottom('› ')).toBe(false);
  });
});

const FAKE_AGENTS: Record<string, string> = {
  // Leaves on /exit.
  polite: `while :; do printf 'polite> '; IFS= read -r line || exit 0; [ "$line" = /exit ] && exit 0; done`,
  // Ignores /exit and EOF; Ctrl-C's SIGINT ends it.
  stubborn: `while :; do printf 'stubborn> '; IFS= read -r line || true; done`,
  // Ignores /exit and SIGINT; leaves on EOF (Ctrl-D).
  uninterruptible: `trap '' INT; while :; do printf 'uninterruptible> '; IFS= read -r line || exit 0; done`,
  // Ignores everything.
  immovable: `trap '' INT; while :; do printf 'immovable> '; IFS= read -r line || sleep 0.1; done`,
};

describe('exit ladder against fake agents in real panes (cmux emulator)', () => {
  let em: CmuxEmulator;
  let backend: CmuxBackend;
  let agentsDir: string;

  beforeAll(async () => {
    em = await startCmuxEmulator();
    backend = cmuxBackendFor(em.env);
    agentsDir = path.join(em.dir, 'agents');
    fs.mkdirSync(agentsDir);
    for (const [name, script] of Object.entries(FAKE_AGENTS)) fs.writeFileSync(path.join(agentsDir, `${name}.sh`), `${script}\n`);
  });
  afterAll(async () => {
    await em?.cleanup();
  });

  async function startFakeAgent(name: string): Promise<string> {
    const tab = await openReadyTab(backend, { name: `wm-${name}`, cwd: em.dir });
    await backend.sendText(tab.paneId, `sh ${path.join(agentsDir, `${name}.sh`)}`);
    await backend.sendKey(tab.paneId, 'enter');
    await waitFor(async () => (await backend.capture(tab.paneId)).trimEnd().endsWith(`${name}>`), 5000, `${name} prompt`);
    return tab.paneId;
  }

  it.each([
    ['polite', 'exit-command'],
    ['stubborn', 'ctrl-c'],
    ['uninterruptible', 'ctrl-d'],
  ])('%s agent leaves at tier %s and the shell prompt is back', async (name, tier) => {
    const pane = await startFakeAgent(name);
    expect(await exitAgent(backend, pane, { exitText: '/exit' })).toEqual({ exited: true, tier });
    expect(shellPromptAtBottom(await backend.capture(pane))).toBe(true);
  });

  it('reports an agent that ignores everything, with its screen', async () => {
    const pane = await startFakeAgent('immovable');
    const outcome = await exitAgent(backend, pane, { exitText: '/exit' });
    expect(outcome.exited).toBe(false);
    if (outcome.exited) return;
    expect(outcome.screen.trimEnd()).toMatch(/immovable>$/);
    expect(outcome.error.message).toMatch(/did not exit \(tried exit-command → ctrl-c → ctrl-d\)/);
  });
});
