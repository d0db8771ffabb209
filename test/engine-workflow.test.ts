/**
 * Multi-step workflows on real tmux: the codex pack's usage-limit workflow runs to the end (record, notify,
 * stop the agent, capture its `codex resume <uuid>`, mark the tab) and `workmux resume` restarts it with that
 * id; a workflow interrupted by a watcher restart continues where it stopped.
 */
import { watchEvents } from '../src/workflows/watch-events.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../src/engine/events.js';
import { attachRuleEngine, type RuleEngine } from '../src/engine/rules-runtime.js';
import { resumeAgent } from '../src/engine/resume.js';
import { parseRuleConfig, type RuleConfigInput } from '../src/engine/rules/parse.js';
import { RuleRecords } from '../src/engine/rules/records.js';
import { eventually, observePanes, sleep, startFakeAgentEnv, type FakeAgent, type FakeAgentEnv } from './rules-support/harness.js';
import { SIGNALS } from './rules-support/signals.js';

describe('workflows (tmux)', () => {
  let env: FakeAgentEnv;
  const logs: string[] = [];
  const notes: string[] = [];

  beforeEach(async () => {
    env = await startFakeAgentEnv('workflow');
  });
  afterEach(async () => env?.dispose());

  const watch = async (config: RuleConfigInput, agent: FakeAgent) => {
    const { rules, gate } = parseRuleConfig(config);
    const bus = new EventBus();
    const engine: RuleEngine = await attachRuleEngine({
      bus, backend: env.backend, store: env.store, rules, gate: { ...gate, submitDelayMs: 50 }, log: (l) => logs.push(l),
      notify: async (title, message) => void notes.push(`${title}: ${message}`),
    });
    const observer = observePanes(env.tmux, bus, [{ pane: agent.pane, agent: 'codex', handle: 'feature-x' }]);
    return {
      engine,
      async stop() {
        await observer.stop();
        await engine.settled();
        engine.detach();
      },
    };
  };
  const typed = (agent: FakeAgent) => agent.received().flatMap((r) => (r.line === undefined ? [] : [r.line]));

  it('codex usage limit → stop → capture the resume id → resume with it', async () => {
    const agent = await env.openAgent('codex');
    const session = agent.received().find((r) => r.event === 'started')!.session;
    const watcher = await watch({ rule_packs: ['codex'] }, agent);
    await sleep(300);
    agent.print('• Working (3s • esc to interrupt)', SIGNALS.codexLimit);

    const records = new RuleRecords(env.store);
    await eventually(() => records.pendingResume({ handle: 'feature-x' }) !== undefined, 20_000, 'no resume record');
    await eventually(() => watcher.engine.workflows.active().length === 0, 10_000, 'the workflow did not finish');
    await watcher.stop();

    // Nothing was typed into the agent: it was stopped with Ctrl-C (the codex profile's polite exit).
    expect(agent.received().filter((r) => r.event !== 'printed').map((r) => r.event ?? `line:${r.line}`)).toEqual(['started', 'exit']);
    const record = records.pendingResume({ handle: 'feature-x' })!;
    expect(record).toMatchObject({ paneId: agent.pane, session, command: `codex resume ${session}` });
    expect(records.limits()).toMatchObject([{ paneId: agent.pane, handle: 'feature-x', text: SIGNALS.codexLimit, resetText: '4:57 PM' }]);
    expect(new Date(records.limits()[0]!.resetAt!).getMinutes()).toBe(57);
    expect(notes).toEqual([`workmux: feature-x: Codex hit its usage limit: stopping it; \`workmux resume feature-x\` restarts it. ${SIGNALS.codexLimit}`]);
    expect(await env.tmux.tmux('show-options', '-w', '-v', '-t', agent.pane, '@workmux_status')).toBe('?');
    const steps = records.recentAudit(100).filter((a) => a.ruleId === 'codex.usage-limit').map((a) => [a.action, a.outcome]);
    expect(steps).toEqual([['record', 'done'], ['notify', 'done'], ['exit', 'done'], ['wait', 'done'], ['record', 'done'], ['status', 'done']]);
    expect(records.metrics(agent.pane).map((m) => [m.name, m.value])).toEqual([['total', 1234], ['input', 1000], ['cached', 200], ['output', 34]]);
    // `workmux events` shows the limit and the token usage beside the watcher's events
    const facts = await watchEvents({ store: async () => env.store }, { types: ['metric', 'limit'] });
    expect(facts.map((e) => [e.type, e.payload.name ?? e.payload.reset])).toEqual([
      ['limit', '4:57 PM'], ['metric', 'total'], ['metric', 'input'], ['metric', 'cached'], ['metric', 'output'],
    ]);

    // `workmux resume feature-x`: the shell in that pane gets `codex resume <uuid>`.
    await resumeAgent({ backend: env.backend, store: env.store, paneId: agent.pane, handle: 'feature-x', submitDelayMs: 50 });
    await eventually(() => agent.received().some((r) => r.event === 'resumed'), 10_000, 'the agent was not resumed');
    expect(agent.received().filter((r) => r.event === 'resumed').map((r) => r.session)).toEqual([session]);
    expect(await agent.screen()).toContain(`codex resume ${session}`);
    expect(records.pendingResume({ handle: 'feature-x' })).toBeUndefined();
    await expect(resumeAgent({ backend: env.backend, store: env.store, paneId: agent.pane, handle: 'feature-x' })).rejects.toThrow(/nothing to resume/);
  });

  it('a watcher restart in the middle of a workflow resumes it', async () => {
    const agent = await env.openAgent('restart');
    const config: RuleConfigInput = {
      rules: [
        {
          id: 'two-step',
          match: 'STEP ONE',
          actions: [{ send: 'first' }, { wait: { match: '/CONTINUE (?<word>\\w+)/', timeout: '60s' } }, { send: 'second {{word}}' }],
        },
      ],
    };
    let watcher = await watch(config, agent);
    await sleep(300);
    agent.print('STEP ONE');
    await eventually(() => typed(agent).includes('first'), 10_000, 'the first step did not run');
    await eventually(() => new RuleRecords(env.store).activeWorkflows()[0]?.status === 'waiting', 5_000, 'not waiting');
    await watcher.stop(); // the watcher dies while the workflow waits

    const saved = new RuleRecords(env.store).activeWorkflows();
    expect(saved.map((w) => [w.ruleId, w.paneId, w.step, w.status])).toEqual([['two-step', agent.pane, 1, 'waiting']]);
    watcher = await watch(config, agent);
    expect(watcher.engine.workflows.active().map((w) => w.id)).toEqual([saved[0]!.id]);
    await sleep(500);
    agent.print('CONTINUE onward');
    await eventually(() => typed(agent).includes('second onward'), 10_000, 'the resumed workflow did not finish');
    await sleep(500);
    await watcher.stop();
    expect(typed(agent)).toEqual(['first', 'second onward']);
    expect(new RuleRecords(env.store).workflow(saved[0]!.id)).toMatchObject({ status: 'done', step: 3, vars: { word: 'onward' } });
  });
});
