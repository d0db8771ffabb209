/**
 * The policy gate on real tmux: no typing while the user types, rate limits per pane and global, dry-run;
 * plus the pieces it is built from (input-line reading, occurrence dedupe) as units.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { EventBus } from '../src/engine/events.js';
import { attachRuleEngine, type RuleEngine } from '../src/engine/rules-runtime.js';
import { parseRuleConfig, type RuleConfigInput } from '../src/engine/rules/parse.js';
import { RuleRecords } from '../src/engine/rules/records.js';
import { inputDraft, UserInputTracker } from '../src/engine/user-input.js';
import { eventually, observePanes, sleep, startFakeAgentEnv, type FakeAgent, type FakeAgentEnv } from './rules-support/harness.js';
import { makeTempDir } from './agents/private-tmux.js';
import { openStore } from '../src/store/db.js';

describe('input line reading', () => {
  it('finds the draft on the composer or prompt nearest the bottom', () => {
    expect(inputDraft('output\n────\n❯ fix the tests\n────\n  ? for shortcuts · ← for agents\n')).toBe('fix the tests');
    expect(inputDraft('• Working (3s • esc to interrupt)\n\n› \n\n  ← for agents · ? for shortcuts')).toBe('');
    expect(inputDraft('│ > draft in a box   │')).toBe('draft in a box');
    expect(inputDraft('user@host:~/src$ git status')).toBe('git status');
    expect(inputDraft('Allow execution of [Shell]?\n● 1. Allow once')).toBeNull();
  });

  it('attributes changes to the user unless workmux just typed', () => {
    const tracker = new UserInputTracker();
    expect(tracker.observe('%1', '› ', 1_000)).toEqual({ lastUserInputAt: undefined, userDraft: false });
    expect(tracker.observe('%1', '› he', 2_000)).toEqual({ lastUserInputAt: 2_000, userDraft: true });
    expect(tracker.observe('%1', '› ', 3_000)).toEqual({ lastUserInputAt: 3_000, userDraft: false });
    tracker.noteSent('%1', 10_000);
    expect(tracker.observe('%1', '› poked', 10_100)).toEqual({ lastUserInputAt: 3_000, userDraft: false });
    expect(tracker.observe('%1', '› ', 11_000)).toEqual({ lastUserInputAt: 3_000, userDraft: false }); // Enter: our echo
    expect(tracker.observe('%1', 'Allow execution of [Shell]?', 12_000)).toEqual({ lastUserInputAt: 3_000, userDraft: false }); // a dialog
    expect(tracker.observe('%1', '› ', 20_000)).toEqual({ lastUserInputAt: 3_000, userDraft: false }); // the prompt is back
    expect(tracker.observe('%1', '› x', 20_500)).toEqual({ lastUserInputAt: 20_500, userDraft: true });
    // A draft on first sight may be the user's: it counts as typing now, but not as a known user draft.
    expect(new UserInputTracker().observe('%2', '› half-typed', 5)).toEqual({ lastUserInputAt: 5, userDraft: false });
  });
});

describe('occurrence dedupe', () => {
  it('claims an occurrence once per window, across store handles', () => {
    const dir = makeTempDir('wm-dedupe-');
    const db = openStore(path.join(dir, 'wm.db'));
    const a = new RuleRecords(db);
    expect(a.claimOccurrence('k', 'r', '%1', 1_000, 60_000)).toBe(true);
    expect(new RuleRecords(db).claimOccurrence('k', 'r', '%1', 30_000, 60_000)).toBe(false);
    expect(a.claimOccurrence('k2', 'r', '%1', 30_000, 60_000)).toBe(true);
    expect(a.claimOccurrence('k', 'r', '%1', 61_000, 60_000)).toBe(true);
    db.close();
  });
});

describe('policy gate (tmux)', () => {
  let env: FakeAgentEnv;
  let stops: (() => Promise<void>)[] = [];
  const logs: string[] = [];

  beforeEach(async () => {
    env = await startFakeAgentEnv('gate');
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    stops = [];
    await env?.dispose();
  });

  const attach = async (config: RuleConfigInput, agents: FakeAgent[]): Promise<RuleEngine> => {
    const { rules, gate } = parseRuleConfig(config);
    const bus = new EventBus();
    const engine = await attachRuleEngine({ bus, backend: env.backend, store: env.store, rules, gate, log: (l) => logs.push(l), notify: async () => {} });
    const observer = observePanes(env.tmux, bus, agents.map((a, i) => ({ pane: a.pane, agent: 'codex', handle: `h${i}` })));
    stops.push(async () => {
      await observer.stop();
      await engine.settled();
      engine.detach();
    });
    return engine;
  };
  const lines = (agent: FakeAgent) => agent.received().flatMap((r) => (r.line === undefined ? [] : [r.line]));

  it('does not type while the user types, and types once they stopped', async () => {
    const agent = await env.openAgent('typing');
    const engine = await attach({ rules: [{ id: 'poke', match: 'PLEASE POKE', actions: [{ send: 'poked' }] }], gate: { user_idle: '1500ms', submit_delay: '50ms' } }, [agent]);
    await sleep(300);
    // The user types a character every 250 ms; the rule fires in the middle of it.
    for (let i = 0; i < 12; i++) {
      await env.tmux.tmux('send-keys', '-t', agent.pane, '-l', 'a');
      if (i === 2) agent.print('PLEASE POKE');
      await sleep(250);
    }
    expect(lines(agent)).toEqual([]); // nothing typed while the user types
    await eventually(() => engine.records.recentAudit().some((a) => a.outcome === 'deferred'), 5_000, 'no deferral audited');
    await sleep(2_500); // quiet for longer than user_idle, but the user's unsent text is still on the input line
    expect(lines(agent)).toEqual([]);
    await env.tmux.tmux('send-keys', '-t', agent.pane, 'Enter'); // the user submits their line
    await eventually(() => lines(agent).length === 2, 15_000, 'the deferred send did not arrive');
    expect(lines(agent)).toEqual(['a'.repeat(12), 'poked']);
    const outcomes = () => engine.records.recentAudit().filter((a) => a.ruleId === 'poke').map((a) => a.outcome);
    await eventually(() => outcomes().length === 2, 5_000, 'the send was not audited'); // audited once Enter went out
    expect(outcomes()).toEqual(['deferred', 'done']);
  });

  it('holds the per-pane and the global rate limits', async () => {
    const a = await env.openAgent('rate-a');
    const b = await env.openAgent('rate-b');
    const engine = await attach(
      { rules: [{ id: 'pong', match: '/PING (?<n>\\d+)/', actions: [{ send: 'pong {{n}}' }] }], gate: { rate_limit: { per_pane: 2, global: 3, window: '10m' }, submit_delay: '50ms' } },
      [a, b],
    );
    await sleep(300);
    for (let n = 1; n <= 4; n++) {
      a.print(`PING ${n}`);
      await sleep(400);
    }
    await eventually(() => engine.records.recentAudit().filter((x) => x.outcome === 'rate-limited').length === 2, 10_000, 'pane limit not reached');
    expect(lines(a)).toEqual(['pong 1', 'pong 2']);
    for (let n = 1; n <= 3; n++) {
      b.print(`PING ${n}`);
      await sleep(400);
    }
    await eventually(() => engine.records.recentAudit().filter((x) => x.outcome === 'rate-limited').length === 4, 10_000, 'global limit not reached');
    await sleep(500);
    expect(lines(a)).toEqual(['pong 1', 'pong 2']);
    expect(lines(b)).toEqual(['pong 1']);
    const limited = engine.records.recentAudit().filter((x) => x.outcome === 'rate-limited');
    expect(limited.map((x) => [x.paneId, x.reason])).toEqual([
      [a.pane, 'more than 2 actions per 600s in this pane'],
      [a.pane, 'more than 2 actions per 600s in this pane'],
      [b.pane, 'more than 3 actions per 600s in all panes'],
      [b.pane, 'more than 3 actions per 600s in all panes'],
    ]);
  });

  it('dry-run decides and audits but types nothing', async () => {
    const agent = await env.openAgent('dry');
    const engine = await attach({ rules: [{ id: 'poke', match: 'PLEASE POKE', actions: [{ send: 'poked' }, { key: 'enter' }] }], gate: { dry_run: true } }, [agent]);
    await sleep(300);
    agent.print('PLEASE POKE');
    await eventually(() => engine.records.recentAudit().length === 2, 5_000, 'dry-run not audited');
    await sleep(500);
    expect(lines(agent)).toEqual([]);
    expect(engine.records.recentAudit().map((x) => [x.action, x.detail, x.outcome])).toEqual([
      ['send', 'send+enter "poked"', 'dry-run'],
      ['key', 'key enter', 'dry-run'],
    ]);
    expect(logs.some((l) => l.includes('dry-run: poke send → ') && l.includes('"poked"'))).toBe(true);
  });
});
