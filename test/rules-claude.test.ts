/**
 * The claude pack against the real Claude Code CLI (offline, loopback mock; test/agents/claude-harness.ts):
 * after `/compact` prints `Conversation compacted` (v2.1.197 here: `✻ Conversation compacted (ctrl+o for
 * history)`, with the whole screen repainted), the engine waits for Claude to be idle and re-primes it once —
 * the re-prime text reaches the model as the next user message.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../backends/tmux.js';
import { EventBus } from '../src/engine/events.js';
import { attachRuleEngine } from '../src/engine/rules-runtime.js';
import { parseRuleConfig } from '../src/engine/rules/parse.js';
import { openStore, type Database } from '../src/store/db.js';
import { startClaudeSession, type ClaudeSession } from './agents/claude-harness.js';
import { eventually, observePanes, type Classify } from './rules-support/harness.js';

const REPRIME = 'Re-read the project notes, please.';

/** Claude's screen markers (agent-signals.md): busy footer, idle footer; the shell back means exited. */
const claudeState: Classify = (lines, command) => {
  if (command !== 'claude') return 'exited';
  const bottom = lines.filter((l) => l.trim()).slice(-8).join('\n');
  if (/esc to interrupt/.test(bottom)) return 'working';
  return /\? for shortcuts/.test(bottom) ? 'idle' : 'working';
};

const userTexts = (session: ClaudeSession) =>
  session.mock.requests.flatMap((r) => (r.kind === 'text' ? [JSON.stringify(r.body?.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '')] : []));

describe('claude pack with the real Claude Code CLI', () => {
  let session: ClaudeSession;
  let db: Database;

  beforeAll(async () => {
    session = await startClaudeSession({ mock: { answerText: 'Mock answer: done.' } });
    db = openStore(path.join(session.home, 'wm.db'));
  });
  afterAll(async () => {
    db?.close();
    await session?.dispose();
  });

  it('re-primes once after /compact', async () => {
    const backend = createBackend({ env: { ...session.tmux.env, WORKMUX_TMUX_SOCKET: session.tmux.socket }, projectName: 'claude', settings: {}, statusIcons: { working: 'W', waiting: '?', done: 'D' } });
    const { rules, gate } = parseRuleConfig({ rule_packs: [{ name: 'claude', reprime: REPRIME }] });
    const bus = new EventBus();
    const logs: string[] = [];
    const engine = await attachRuleEngine({ bus, backend, store: db, rules, gate: { ...gate, userIdleMs: 1_000 }, log: (l) => logs.push(l), notify: async () => {} });
    const observer = observePanes(session.tmux, bus, [{ pane: session.pane, agent: 'claude', handle: 'claude-x' }], 100, claudeState);
    try {
      await session.launch();
      await eventually(async () => /\? for shortcuts/.test(await session.tmux.capture(session.pane, 0)), 30_000, 'Claude did not start');
      // /compact needs a few exchanges ("Not enough messages to compact" otherwise).
      for (const [n, prompt] of ['say hello', 'say more', 'and more'].entries()) {
        await session.tmux.typeLine(session.pane, prompt);
        await session.mock.waitForRequest('text', n + 1, 30_000);
        await eventually(async () => claudeState((await session.tmux.capture(session.pane, 0)).split('\n'), 'claude') === 'idle', 30_000, 'no answer');
      }
      await session.tmux.typeLine(session.pane, '/compact');
      await eventually(async () => /Conversation compacted/.test(await session.tmux.capture(session.pane, 100)), 60_000, 'no compaction');
      await eventually(() => userTexts(session).some((t) => t.includes(REPRIME)), 30_000, `the re-prime did not reach the model (${logs.join('; ')})`);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // repaints after the answer must not re-prime
      expect(userTexts(session).filter((t) => t.includes(REPRIME))).toHaveLength(1);
      const sends = engine.records.recentAudit().filter((a) => a.action === 'send');
      expect(sends.map((a) => [a.ruleId, a.outcome, a.detail])).toEqual([['claude.reprime', 'done', `send+enter ${JSON.stringify(REPRIME)}`]]);
    } finally {
      await observer.stop();
      engine.detach();
    }
  });
});
