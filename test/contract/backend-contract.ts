import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTab, paneStartupCommand, typeLine } from '../../backends/session.js';
import type { Backend, Tab } from '../../backends/types.js';

export interface BackendFixture {
  backend: Backend;
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(check: () => Promise<T>, timeoutMs = 8000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await sleep(100);
  }
  throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/**
 * The behaviour every backend must show, run against tmux and against the WezTerm and cmux emulators.
 * Only the Backend primitives and the shared launch layer are used, so a new multiplexer passes by
 * implementing backends/<kind>.ts alone.
 */
export function describeBackendContract(name: string, setup: () => Promise<BackendFixture>): void {
  describe(`Backend contract: ${name}`, () => {
    let fixture: BackendFixture;
    let backend: Backend;
    let cwd: string;
    let unique = 0;
    const tabName = () => `wm-contract-${process.pid}-${++unique}`;

    beforeAll(async () => {
      fixture = await setup();
      backend = fixture.backend;
      cwd = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wm-contract-')));
      await backend.ensureAvailable();
    });
    afterAll(async () => {
      await fixture?.cleanup();
      fs.rmSync(cwd, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    });

    const launchShellTab = async (name = tabName()): Promise<Tab> =>
      (await launchTab({ backend, tab: { name, cwd, background: true }, panes: [{}], handshakeTimeoutMs: 8000 })).tab;

    const screenOf = (pane: string) => backend.capture(pane, { lines: 200 });

    it('opens a named tab whose pane runs a shell in the given cwd, listed in the current scope', async () => {
      const name = tabName();
      const tab = await launchShellTab(name);
      expect(tab.name).toBe(name);
      const scope = await backend.currentScope();
      const panes = await backend.listPanes();
      const pane = panes.find((p) => p.id === tab.paneId);
      expect(pane).toMatchObject({ tabId: tab.id, tabName: name, dead: false });
      expect(pane!.scope.id).toBe(scope.id);
      await typeLine(backend, tab.paneId, 'pwd');
      await eventually(async () => (await screenOf(tab.paneId)).includes(cwd));
      await backend.closeTab(tab);
    });

    it('types a command and submits it; pasted multi-line text is not submitted until Enter', async () => {
      const tab = await launchShellTab();
      await typeLine(backend, tab.paneId, 'echo contract-$((40+2))');
      await eventually(async () => (await screenOf(tab.paneId)).includes('contract-42'));
      await backend.sendText(tab.paneId, 'echo first-line-\\\nsecond');
      await sleep(400);
      expect(await screenOf(tab.paneId)).not.toMatch(/^first-line-second$/m);
      await backend.sendKey(tab.paneId, 'enter');
      await eventually(async () => /^first-line-second$/m.test(await screenOf(tab.paneId)));
      await backend.closeTab(tab);
    });

    it('interrupts a running program with ctrl-c', async () => {
      const tab = await launchShellTab();
      await typeLine(backend, tab.paneId, 'sleep 30; echo not-interrupted');
      await sleep(300);
      await backend.sendKey(tab.paneId, 'ctrl-c');
      await typeLine(backend, tab.paneId, 'echo after-interrupt');
      await eventually(async () => (await screenOf(tab.paneId)).includes('\nafter-interrupt'));
      expect(await screenOf(tab.paneId)).not.toContain('\nnot-interrupted');
      await backend.closeTab(tab);
    });

    it('splits a pane inside the same tab and closes every pane of the tab (or refuses when it cannot split)', async () => {
      if (!backend.capabilities.splits) {
        const tab = await launchShellTab();
        await expect(backend.splitPane(tab.paneId, { direction: 'horizontal', cwd, command: ['true'] })).rejects.toThrow(/does not split/);
        await expect(
          launchTab({ backend, tab: { name: tabName(), cwd, background: true }, panes: [{}, { split: 'vertical' }], handshakeTimeoutMs: 8000 }),
        ).rejects.toThrow(/cannot split panes/);
        await backend.closeTab(tab);
        return;
      }
      const launched = await launchTab({
        backend,
        tab: { name: tabName(), cwd, background: true },
        panes: [{ isAgent: true }, { split: 'horizontal', size: { percent: 30 }, startLine: 'echo split-pane-ok' }],
        handshakeTimeoutMs: 8000,
      });
      expect(launched.paneIds).toHaveLength(2);
      expect(launched.agentPane).toBe(launched.tab.paneId);
      const panes = (await backend.listPanes()).filter((p) => p.tabId === launched.tab.id);
      expect(panes.map((p) => p.id).sort()).toEqual([...launched.paneIds].sort());
      await eventually(async () => (await screenOf(launched.paneIds[1]!)).includes('\nsplit-pane-ok'));
      await backend.closeTab(launched.tab);
      await eventually(async () => !(await backend.listPanes({ allScopes: true })).some((p) => launched.paneIds.includes(p.id)));
    });

    it('focuses and sets a status without error, and clears it', async () => {
      const tab = await launchShellTab();
      await backend.focus(tab);
      await backend.focus(tab.paneId);
      await backend.setStatus(tab, 'working');
      await backend.setStatus(tab, 'waiting');
      await backend.setStatus(tab, null);
      await backend.closeTab(tab);
    });

    it('times out a handshake that is never signalled, and frees it', async () => {
      const handshake = await backend.handshake();
      const started = Date.now();
      await expect(handshake.wait(400)).rejects.toThrow(/did not signal readiness within 400 ms/);
      expect(Date.now() - started).toBeLessThan(5000);
      await handshake.dispose();
      await handshake.dispose(); // idempotent
    });

    it('starts no shell before the tab\'s directory is ready (held panes open early), and leaves no tab when it never is', async () => {
      const panesNamed = async (name: string) => (await backend.listPanes()).filter((pane) => pane.tabName === (backend.tabTitleFor?.(name) ?? name));
      const name = tabName();
      let makeReady!: () => void;
      const ready = new Promise<void>((resolve) => (makeReady = resolve));
      const launching = launchTab({ backend, tab: { name, cwd, background: true }, panes: [{ startLine: 'echo typed-after-$((6*7))' }], handshakeTimeoutMs: 8000, ready });
      await sleep(700);
      const early = await panesNamed(name);
      // A held pane is open already, but quiet: its login shell (which prints a prompt) has not started.
      expect(early).toHaveLength(backend.capabilities.heldPanes ? 1 : 0);
      for (const pane of early) expect((await screenOf(pane.id)).trim()).toBe('');
      makeReady();
      const { tab } = await launching;
      await eventually(async () => (await screenOf(tab.paneId)).includes('typed-after-42'));
      await backend.closeTab(tab);

      const failing = tabName();
      const never = sleep(300).then(() => {
        throw new Error('the checkout failed');
      });
      await expect(launchTab({ backend, tab: { name: failing, cwd, background: true }, panes: [{}], handshakeTimeoutMs: 8000, ready: never })).rejects.toThrow('the checkout failed');
      expect(await panesNamed(failing)).toEqual([]);
    });

    it('runs whileWaiting with the open tab before anything is typed; its failure fails the launch and closes the tab', async () => {
      const name = tabName();
      const typed: string[] = [];
      const watched: Backend = Object.assign(Object.create(backend), { sendText: (pane: string, text: string) => (typed.push(text), backend.sendText(pane, text)) });
      let seen: { paneId: string; typedBefore: number } | undefined;
      const { tab } = await launchTab({
        backend: watched, tab: { name, cwd, background: true }, panes: [{ startLine: 'echo after-wait' }], handshakeTimeoutMs: 8000,
        whileWaiting: (opened) => void (seen = { paneId: opened.paneId, typedBefore: typed.length }),
      });
      expect(seen).toEqual({ paneId: tab.paneId, typedBefore: 0 });
      expect(typed).toEqual(['echo after-wait']);
      await backend.closeTab(tab);

      const failing = tabName();
      await expect(launchTab({
        backend, tab: { name: failing, cwd, background: true }, panes: [{}], handshakeTimeoutMs: 8000,
        whileWaiting: async () => {
          throw new Error('bookkeeping failed');
        },
      })).rejects.toThrow('bookkeeping failed');
      expect((await backend.listPanes()).filter((pane) => pane.tabName === (backend.tabTitleFor?.(failing) ?? failing))).toEqual([]);
    });

    it('closes a tab later with closeTabDeferred', async () => {
      const tab = await launchShellTab();
      await backend.closeTabDeferred(tab);
      await eventually(async () => !(await backend.listPanes({ allScopes: true })).some((p) => p.id === tab.paneId), 10_000);
    });

    it('starts panes with the shared startup command (signal, then a login shell)', () => {
      expect(paneStartupCommand('SIGNAL')).toEqual(['sh', '-c', 'SIGNAL; exec "${SHELL:-/bin/sh}" -l']);
    });
  });
}
