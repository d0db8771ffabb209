/**
 * The watch verbs through the built CLI (bin/workmux → dist/, run `npm run build` first), as a user or an
 * agent would use them: `add` opens a tab running a small agent, `watch --daemon` observes it, and
 * status/wait/logs/search/events read what the watcher stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, makeTestEnv, workmux, type TestEnv } from './helpers/env.js';

let t: TestEnv;
let repo: string;
const json = (stdout: string) => JSON.parse(stdout) as { ok: boolean; data: any; error?: { message: string } };

beforeAll(async () => {
  t = await makeTestEnv();
  repo = await makeRepo(t);
  // An "agent": prints, stays in the foreground (node, not a shell) for a few seconds, prints again, exits.
  const agent = path.join(t.dir, 'fake-agent.mjs');
  fs.writeFileSync(
    agent,
    `console.log('agent says hello-from-agent');\nsetTimeout(() => console.log('agent finished its turn'), 4000);\n`,
  );
  const watch = await workmux(t, repo, ['watch', '--daemon', '--json']);
  expect(watch.exitCode, watch.stderr).toBe(0);
  expect(json(watch.stdout).data.pid).toBeGreaterThan(0);
  const added = await workmux(t, repo, ['add', 'feat-a', '-a', `node ${agent}`]);
  expect(added.exitCode, added.stderr).toBe(0);
});

afterAll(async () => {
  await workmux(t, repo, ['watch', '--stop']);
  await t.cleanup();
});

describe('the watch verbs through the CLI', () => {
  it('refuses a second watcher', async () => {
    const second = await workmux(t, repo, ['watch', '--daemon']);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(/a watcher is already running \(pid \d+\)/);
  });

  it('waits until the agent has exited, then reports it in status', async () => {
    const waited = await workmux(t, repo, ['wait', 'feat-a', '--status', 'exited', '--timeout', '40', '--json']);
    expect(waited.exitCode, waited.stderr + waited.stdout).toBe(0);
    expect(json(waited.stdout).data.arrived).toEqual(['feat-a']);
    const status = json((await workmux(t, repo, ['status', '--json'])).stdout);
    expect(status.data.watcher.running).toBe(true);
    expect(status.data.agents).toEqual([expect.objectContaining({ handle: 'feat-a', status: 'exited', backend: 'tmux' })]);
    const human = await workmux(t, repo, ['status']);
    expect(human.stdout).toMatch(/^feat-a\s+feat-a\s+tmux\s+%\d+\s+node \S+fake-agent\.mjs\s+exited\s+\d+s ago$/m);
  });

  it('times out a wait with exit code 1', async () => {
    const waited = await workmux(t, repo, ['wait', 'feat-a', '--status', 'working', '--timeout', '0.5']);
    expect(waited.exitCode).toBe(1);
    expect(waited.stderr).toMatch(/timed out after 0.5 s waiting for feat-a to be working/);
  });

  it('shows the output in logs and finds it with search', async () => {
    const logs = await workmux(t, repo, ['logs', 'feat-a', '-n', '20']);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('agent says hello-from-agent');
    expect(logs.stdout).toContain('agent finished its turn');
    const found = json((await workmux(t, repo, ['search', 'hello-from-agent', '--json'])).stdout);
    expect(found.data).toEqual([expect.objectContaining({ handle: 'feat-a', line: 'agent says hello-from-agent' })]);
    expect(found.data[0].matches.length).toBeGreaterThan(0);
    const none = await workmux(t, repo, ['search', 'no-such-words-anywhere']);
    expect(none.stdout).toBe('no matches');
  });

  it('lists the state changes as events', async () => {
    const events = json((await workmux(t, repo, ['events', '--type', 'agent.state', '--json'])).stdout);
    const states = events.data.map((e: { payload: { state: string } }) => e.payload.state);
    expect(states).toEqual(expect.arrayContaining(['working', 'exited']));
  });

  it('stops the watcher', async () => {
    const stopped = await workmux(t, repo, ['watch', '--stop']);
    expect(stopped.stdout).toMatch(/watcher stopped \(pid \d+\)/);
    expect(json((await workmux(t, repo, ['status', '--json'])).stdout).data.watcher.running).toBe(false);
    const waited = await workmux(t, repo, ['wait', 'feat-a', '--timeout', '1']);
    expect(waited.stderr).toMatch(/no watcher is running/);
  });
});
