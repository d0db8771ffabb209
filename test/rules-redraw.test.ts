/**
 * A rule fires exactly once per occurrence, on real tmux: a fake Claude repaints the same screen (with the
 * real `Conversation compacted` line) again and again, the watcher restarts and sees that screen afresh —
 * one re-prime in all. A later, new compaction re-primes again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../src/engine/events.js';
import { attachRuleEngine, type RuleEngine } from '../src/engine/rules-runtime.js';
import { parseRuleConfig } from '../src/engine/rules/parse.js';
import { DEFAULT_GATE_SETTINGS } from '../src/engine/rules/types.js';
import { DEFAULT_REPRIME_TEXT } from '../src/engine/packs/claude.js';
import { eventually, observePanes, sleep, startFakeAgentEnv, type FakeAgent, type FakeAgentEnv } from './rules-support/harness.js';
import { SIGNALS } from './rules-support/signals.js';

describe('rules on repeated redraws (tmux)', () => {
  let env: FakeAgentEnv;
  let agent: FakeAgent;
  const logs: string[] = [];
  const { rules } = parseRuleConfig({ rule_packs: ['claude'] });

  const start = async (): Promise<{ engine: RuleEngine; stop: () => Promise<void> }> => {
    const bus = new EventBus();
    const engine = await attachRuleEngine({ bus, backend: env.backend, store: env.store, rules, gate: { ...DEFAULT_GATE_SETTINGS, submitDelayMs: 50 }, log: (l) => logs.push(l), notify: async () => {} });
    const observer = observePanes(env.tmux, bus, [{ pane: agent.pane, agent: 'claude', handle: 'feature-a' }], 50, '❯');
    return {
      engine,
      stop: async () => {
        await observer.stop();
        await engine.settled();
        engine.detach();
      },
    };
  };
  const reprimes = () => agent.received().filter((r) => r.line === DEFAULT_REPRIME_TEXT);

  beforeAll(async () => {
    env = await startFakeAgentEnv('redraw');
    agent = await env.openAgent('claude', '❯ ');
  });
  afterAll(async () => env?.dispose());

  it('re-primes once across repaints and a watcher restart, and again on a new compaction', async () => {
    const screen = ['● Refactored the parser.', '✻ Worked for 8s', SIGNALS.claudeCompacted, '  ⎿  Read AGENTS.md (12 lines)'];
    let watcher = await start();
    agent.control({ redraw: screen, times: 12, every: 120 });
    await eventually(() => reprimes().length === 1, 10_000, 'the re-prime did not arrive');
    await sleep(2_000); // the repaints go on after the first firing
    expect(reprimes()).toHaveLength(1);

    // Restart: a new watcher and engine see the same screen from scratch, then more repaints.
    await watcher.stop();
    agent.control({ redraw: screen, times: 3, every: 120 });
    await eventually(async () => (await agent.screen()).includes(SIGNALS.claudeCompacted), 5_000, 'the repaint did not show');
    await sleep(500);
    watcher = await start();
    await sleep(1_000);
    agent.control({ redraw: screen, times: 6, every: 120 });
    await sleep(1_500);
    expect(reprimes()).toHaveLength(1);

    // A new compaction (different output before it) is a new occurrence.
    agent.print('● Added tests for the parser.', '✻ Cooked for 3s', SIGNALS.claudeCompacted);
    await eventually(() => reprimes().length === 2, 10_000, 'the second re-prime did not arrive');
    await watcher.stop();
    expect(agent.received().filter((r) => r.line !== undefined).map((r) => r.line)).toEqual([DEFAULT_REPRIME_TEXT, DEFAULT_REPRIME_TEXT]);
    const audit = watcher.engine.records.recentAudit(100).filter((a) => a.action === 'send');
    expect(audit.map((a) => [a.ruleId, a.paneId, a.outcome, a.detail])).toEqual([
      ['claude.reprime', agent.pane, 'done', `send+enter ${JSON.stringify(DEFAULT_REPRIME_TEXT)}`],
      ['claude.reprime', agent.pane, 'done', `send+enter ${JSON.stringify(DEFAULT_REPRIME_TEXT)}`],
    ]);
  });
});
