/** The watch tables (migration 2): output + FTS5 search, events, state history, retention, concurrent readers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Database } from '../src/store/db.js';
import { recordAgentOpened } from '../src/store/agents.js';
import { insertEvents, listEvents, recordStateChange, stateHistory } from '../src/store/events.js';
import {
  insertOutputChunks,
  lastOutputLines,
  newestChunkId,
  outputLinesAfter,
  searchOutput,
  type OutputChunk,
} from '../src/store/output.js';
import { pruneWatchData } from '../src/store/retention.js';

let dir: string;
let db: Database;
const file = () => path.join(dir, 'state/workmux/workmux.db');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-store-'));
  db = openStore(file());
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const chunk = (lines: string[], extra: Partial<OutputChunk> = {}): OutputChunk => ({
  at: 1000,
  backend: 'tmux',
  paneId: '%1',
  handle: 'feat-a',
  agent: 'claude',
  lines,
  ...extra,
});
/** Single-line chunks, for tests about lines rather than chunking. */
const insertLines = (...chunks: OutputChunk[]) => insertOutputChunks(db, chunks);
const line = (text: string, extra: Partial<OutputChunk> = {}) => chunk([text], extra);

describe('output lines', () => {
  it('stores lines in order and tails/follows them per handle, across chunk boundaries', () => {
    insertLines(chunk(['one', 'two']), chunk(['other'], { handle: 'feat-b', paneId: '%2' }), chunk(['three', 'four', 'five']));
    expect(lastOutputLines(db, { handle: 'feat-a' }, 4).map((l) => l.line)).toEqual(['two', 'three', 'four', 'five']);
    expect(lastOutputLines(db, { handle: 'feat-a' }, 100)).toHaveLength(5);
    const [first] = lastOutputLines(db, { handle: 'feat-a' }, 5);
    expect(outputLinesAfter(db, { handle: 'feat-a' }, first!.chunkId).map((l) => l.line)).toEqual(['three', 'four', 'five']);
    expect(newestChunkId(db, { handle: 'feat-b' })).toBe(2);
  });

  it('skips empty chunks and keeps the gap mark on the first line of a chunk', () => {
    insertLines(chunk([]), chunk(['before']), chunk(['after a gap', 'next'], { gap: true }));
    expect(lastOutputLines(db, {}, 3).map((l) => l.gap)).toEqual([false, true, false]);
    expect(newestChunkId(db)).toBe(2);
  });

  it('returns one search hit per matching line of a chunk', () => {
    insertLines(chunk(['first retry', 'no match', 'second retry']));
    const hits = searchOutput(db, 'retry');
    expect(hits.map((h) => [h.line, h.index])).toEqual([['second retry', 2], ['first retry', 0]]);
    expect(searchOutput(db, 'retry', { limit: 1 })).toHaveLength(1);
  });

  it('finds lines with FTS5, newest first, with snippets and filters', () => {
    insertLines(
      line('Conversation compacted · ctrl+o for history', { at: 10 }),
      line('nothing to see', { at: 20 }),
      line('■ You’ve hit your usage limit. Try again later.', { at: 30, agent: 'codex', handle: 'feat-c' }),
      line('compacted again', { at: 40 }),
    );
    const hits = searchOutput(db, 'compacted');
    expect(hits.map((h) => h.line)).toEqual(['compacted again', 'Conversation compacted · ctrl+o for history']);
    expect(hits[0]!.matches).toEqual([[0, 9]]);
    expect(hits[1]!.matches).toEqual([[13, 22]]);
    expect(searchOutput(db, 'usage limit', { agent: 'codex' })).toHaveLength(1);
    expect(searchOutput(db, 'usage limit', { agent: 'claude' })).toHaveLength(0);
    expect(searchOutput(db, 'compacted', { since: 30 }).map((h) => h.at)).toEqual([40]);
  });

  it('searches text that is not valid FTS5 syntax as plain words', () => {
    insertLines(line('error: (exit 2) in build.ts'), line('all good'));
    expect(searchOutput(db, '(exit 2)').map((h) => h.line)).toEqual(['error: (exit 2) in build.ts']);
    expect(searchOutput(db, 'build.ts"').map((h) => h.line)).toEqual(['error: (exit 2) in build.ts']);
  });
});

describe('events and states', () => {
  it('stores bus events and lists them oldest first with filters', () => {
    insertEvents(db, 'tmux', [
      { type: 'title.changed', paneId: '%1', at: 1, title: '✳ Claude Code', previous: '' },
      { type: 'agent.state', paneId: '%1', handle: 'feat-a', at: 2, state: 'working', reason: 'title:spinner', agent: 'claude' },
      { type: 'pane.closed', paneId: '%1', at: 3 },
    ]);
    expect(listEvents(db).map((e) => e.type)).toEqual(['title.changed', 'agent.state', 'pane.closed']);
    const [state] = listEvents(db, { types: ['agent.state'] });
    expect(state!.payload).toMatchObject({ state: 'working', agent: 'claude' });
    expect(listEvents(db, { afterId: state!.id }).map((e) => e.type)).toEqual(['pane.closed']);
    expect(listEvents(db, { limit: 1 }).map((e) => e.type)).toEqual(['pane.closed']);
  });

  it('records a state change and updates the agents row of the tab', () => {
    const row = recordAgentOpened(db, {
      project_root: '/p', handle: 'feat-a', branch: 'feat-a', worktree_path: '/p/wt', backend: 'tmux',
      scope: 's', tab_id: '@1', tab_name: 'wm-feat-a', pane_id: '%1', agent: 'claude',
    }, 100);
    recordStateChange(db, { at: 200, backend: 'tmux', paneId: '%1', agentId: row.id, handle: 'feat-a', agent: 'claude', state: 'working', previous: 'starting', reason: 'title:spinner' });
    const updated = db.prepare('SELECT status, status_since FROM agents WHERE id = ?').get(row.id);
    expect(updated).toEqual({ status: 'working', status_since: 200 });
    expect(stateHistory(db, 'tmux', '%1')).toEqual([{ at: 200, agent: 'claude', state: 'working', previous: 'starting', reason: 'title:spinner' }]);
  });
});

describe('retention', () => {
  it('deletes old output (and its index entries), events and states', () => {
    insertLines(line('old compacted', { at: 10 }), line('new compacted', { at: 1000 }));
    insertEvents(db, 'tmux', [{ type: 'pane.closed', paneId: '%1', at: 10 }]);
    recordStateChange(db, { at: 10, backend: 'tmux', paneId: '%1', agent: 'claude', state: 'idle', reason: 'x' });
    expect(pruneWatchData(db, 500, 1)).toEqual({ outputChunks: 1, events: 1, states: 1 });
    expect(searchOutput(db, 'compacted').map((h) => h.line)).toEqual(['new compacted']);
    db.exec(`INSERT INTO output_fts(output_fts) VALUES ('integrity-check')`);
  });
});

describe('several processes', () => {
  it('lets a reader query while another connection holds a write transaction (WAL)', () => {
    insertLines(line('visible'));
    const writer = openStore(file());
    try {
      writer.exec('BEGIN IMMEDIATE');
      // better-sqlite3 nests db.transaction() inside an open transaction as a savepoint.
      insertOutputChunks(writer, [chunk(['uncommitted'])]);
      expect(searchOutput(db, 'visible')).toHaveLength(1);
      expect(searchOutput(db, 'uncommitted')).toHaveLength(0);
      writer.exec('COMMIT');
      expect(searchOutput(db, 'uncommitted')).toHaveLength(1);
    } finally {
      writer.close();
    }
  });

  it('creates the database file with mode 0600', () => {
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
  });
});
