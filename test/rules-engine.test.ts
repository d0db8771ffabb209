/**
 * The engine against a fake Backend and a fake clock: event rules, `run` with its WM_* environment, wait
 * timeouts and labels, waiting until a reset time (codex `resume_at_reset`), redraw handling, notifications.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Key, PaneInfo } from '../backends/types.js';
import { createNotifier } from '../src/engine/actions.js';
import { EventBus, type WatchEvent } from '../src/engine/events.js';
import { attachRuleEngine, type RuleEngine } from '../src/engine/rules-runtime.js';
import type { Clock } from '../src/engine/rules/clock.js';
import { parseRuleConfig, type RuleConfigInput } from '../src/engine/rules/parse.js';
import { openStore, type Database } from '../src/store/db.js';
import { makeTempDir } from './agents/private-tmux.js';
import { SIGNALS } from './rules-support/signals.js';

class FakeClock implements Clock {
  private timers: { at: number; fn: () => void }[] = [];
  constructor(public t: number) {}
  now = () => this.t;
  sleep = async (ms: number) => {
    this.advance(ms);
  };
  setTimer = (ms: number, fn: () => void) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter((x) => x !== timer));
  };
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const timer of due) timer.fn();
  }
}

function fakeBackend(screen = () => '› ') {
  const calls: string[] = [];
  const pane: PaneInfo = { id: '%1', tabId: '@1', tabName: 'wm-x', scope: { id: '$1', name: 's' }, title: '', cwd: '/', currentCommand: 'node', dead: false };
  const backend = {
    kind: 'tmux',
    sendText: async (p: string, text: string) => void calls.push(`text ${p} ${text}`),
    sendKey: async (p: string, key: Key) => void calls.push(`key ${p} ${key}`),
    capture: async () => screen(),
    listPanes: async () => [pane],
    setStatus: async (tab: { id: string }, status: string | null) => void calls.push(`status ${tab.id} ${status}`),
  } as unknown as Backend;
  return { backend, calls };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('rule engine (fake backend)', () => {
  let dir: string;
  let db: Database;
  let engine: RuleEngine | undefined;
  const logs: string[] = [];

  beforeEach(() => {
    dir = makeTempDir('wm-engine-');
    db = openStore(path.join(dir, 'wm.db'));
  });
  afterEach(() => {
    engine?.detach();
    engine = undefined;
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (config: RuleConfigInput, opts: { clock?: FakeClock; backend?: Backend; exits?: string[] } = {}) => {
    const { rules, gate } = parseRuleConfig(config);
    const bus = new EventBus();
    const seen: WatchEvent[] = [];
    bus.on('*', (e) => void seen.push(e));
    const clock = opts.clock ?? new FakeClock(Date.UTC(2026, 10, 21, 12));
    const backend = opts.backend ?? fakeBackend().backend;
    engine = await attachRuleEngine({
      bus, backend, store: db, rules, gate: { ...gate, submitDelayMs: 0 }, clock, log: (l) => logs.push(l), notify: async (t, m) => void logs.push(`notify ${t}: ${m}`),
      exitAgent: async (_b, paneId) => {
        opts.exits?.push(paneId);
        return { exited: true, tier: 'exit-command' };
      },
    });
    const text = (lines: string[], extra: Partial<WatchEvent> = {}) =>
      bus.emit({ type: 'text.appended', paneId: '%1', handle: 'feat', agent: 'codex', at: clock.now(), lines, ...extra } as WatchEvent);
    return { bus, clock, seen, text };
  };

  it('runs `run` with WM_* variables for event and text rules', async () => {
    const out = path.join(dir, 'env.txt');
    const { bus, text } = await start({
      rules: [
        { id: 'on-wait', on: 'agent.state=waiting', actions: [{ run: `printf '%s|%s|%s|%s|%s\\n' "$WM_EVENT" "$WM_RULE" "$WM_PANE" "$WM_HANDLE" "$WM_CAP_state" >> '${out}'` }] },
        { id: 'cap', match: '/deploy (?<target>\\w+)/', actions: [{ run: `printf '%s|%s\\n' "$WM_CAP_target" "$WM_TEXT" >> '${out}'` }] },
        { id: 'fail', match: 'BREAK', actions: [{ run: 'echo broken >&2; exit 3' }, { key: 'enter' }] },
      ],
    });
    bus.emit({ type: 'agent.state', paneId: '%1', handle: 'feat', agent: 'codex', at: 1, state: 'waiting', reason: 'test' });
    text(['please deploy staging; $(rm -rf /)', 'BREAK']);
    await engine!.settled();
    await flush();
    expect(fs.readFileSync(out, 'utf8').trim().split('\n').sort()).toEqual(['agent.state|on-wait|%1|feat|waiting', 'staging|deploy staging']);
    const failed = engine!.records.recentAudit().find((a) => a.ruleId === 'fail')!;
    expect([failed.outcome, failed.reason]).toEqual(['failed', 'exit 3: broken']);
    expect(engine!.records.recentAudit().some((a) => a.ruleId === 'fail' && a.action === 'key')).toBe(false); // a failed step stops the workflow
  });

  it('emits pattern.matched, follows on_timeout labels, and cancels on pane.closed', async () => {
    const { backend, calls } = fakeBackend();
    const { bus, clock, seen, text } = await start(
      {
        rules: [
          {
            id: 'nudge',
            match: '/stuck at (?<where>\\w+)/',
            actions: [
              { wait: { match: 'unstuck', timeout: '10s', on_timeout: 'poke' } },
              { send: 'thanks', label: 'done' },
              { send: 'still stuck at {{where}}?', label: 'poke' },
              { wait: { state: 'idle', timeout: '5s', on_timeout: 'stop' } },
              { send: 'bye' },
            ],
          },
          { id: 'closed', on: 'pane.closed', actions: [{ notify: 'pane {{pane}} of {{handle}} closed' }] },
        ],
      },
      { backend },
    );
    text(['I am stuck at parsing']);
    await flush();
    expect(seen.filter((e) => e.type === 'pattern.matched')).toMatchObject([{ ruleId: 'nudge', captures: { where: 'parsing' }, text: 'stuck at parsing' }]);
    clock.advance(10_000);
    await flush();
    expect(calls).toEqual(['text %1 still stuck at parsing?', 'key %1 enter']);
    expect(engine!.workflows.active()).toHaveLength(1); // waiting for idle
    bus.emit({ type: 'pane.closed', paneId: '%1', handle: 'feat', at: clock.now() });
    await flush();
    expect(engine!.workflows.active()).toHaveLength(0);
    expect(logs).toContain('notify workmux: feat: pane %1 of feat closed');
    expect(calls).toHaveLength(2);
  });

  it('codex resume_at_reset: waits for the reset time, then types the resume command', async () => {
    const { backend, calls } = fakeBackend();
    const exits: string[] = [];
    const clock = new FakeClock(new Date(2026, 10, 21, 16, 0, 0).getTime());
    const { text } = await start({ rule_packs: [{ name: 'codex', resume_at_reset: true }] }, { clock, backend, exits });
    text(['• Working (3s • esc to interrupt)', SIGNALS.codexLimit]);
    await flush();
    expect(exits).toEqual(['%1']);
    text(['', SIGNALS.codexTokenUsage, SIGNALS.codexResume]);
    await flush();
    expect(calls).toEqual(['status @1 waiting']);
    clock.advance(56 * 60_000); // 16:56: not yet
    await flush();
    expect(calls).toEqual(['status @1 waiting']);
    clock.advance(60_000); // 16:57
    await flush();
    expect(calls).toEqual(['status @1 waiting', 'text %1 codex resume 019bcea5-acb4-7370-a50d-8a2b59553cf6', 'key %1 enter']);
    expect(engine!.records.pendingResume({ paneId: '%1' })).toBeUndefined();
  });

  it('a gap that re-sends lines still on screen is a redraw, not a new occurrence', async () => {
    const { backend, calls } = fakeBackend();
    const { text, seen } = await start({ rules: [{ id: 'r', match: 'Conversation compacted', actions: [{ send: 'again' }] }] }, { backend });
    text(['a', 'b', SIGNALS.claudeCompacted, 'c']);
    await flush();
    text([SIGNALS.claudeCompacted, 'c', 'd'], { gap: true }); // repaint scrolled: the match is the first line now
    text(['x', SIGNALS.claudeCompacted], { gap: true });
    await flush();
    expect(calls.filter((c) => c.startsWith('text'))).toEqual(['text %1 again']);
    text(['new work', SIGNALS.claudeCompacted]); // a new line the watcher vouches for (no gap)
    await flush();
    expect(calls.filter((c) => c.startsWith('text'))).toEqual(['text %1 again', 'text %1 again']);
    expect(seen.filter((e) => e.type === 'pattern.matched')).toHaveLength(2); // one event per occurrence
  });

  it('rate-limit slots free up after the window', async () => {
    const { backend, calls } = fakeBackend();
    const { clock, text } = await start({ rules: [{ id: 'p', match: '/PING (?<n>\\d)/', actions: [{ key: 'enter' }] }], gate: { rate_limit: { per_pane: 1, window: '1m' } } }, { backend });
    text(['PING 1']);
    text(['PING 2']);
    await flush();
    clock.advance(61_000);
    text(['PING 3']);
    await flush();
    expect(calls).toEqual(['key %1 enter', 'key %1 enter']);
    expect(engine!.records.recentAudit().map((a) => a.outcome)).toEqual(['done', 'rate-limited', 'done']);
  });
});

describe('notifications', () => {
  it('falls back to the bell and a log line without a desktop notifier', async () => {
    const lines: string[] = [];
    await createNotifier((l) => lines.push(l), { PATH: '/nonexistent' })('workmux: feat', 'Codex hit its usage limit');
    expect(lines).toEqual(['[notify] workmux: feat: Codex hit its usage limit']);
  });
});
