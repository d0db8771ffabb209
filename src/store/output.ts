/**
 * Pane output in the store (table output_chunks + FTS5 index output_fts, migration 2). A chunk is the lines
 * one pane produced in one observation; readers get lines back (`logs`, `search`), never chunks.
 */
import type { Database } from './db.js';
import { filtersOf } from './filters.js';

/** New lines from one pane in one observation. */
export interface OutputChunk {
  at: number;
  backend: string;
  paneId: string;
  handle?: string;
  agent?: string;
  /** The snapshots did not overlap: output may be missing before these lines. */
  gap?: boolean;
  lines: readonly string[];
}

export interface StoredLine {
  /** Position in the log: chunk id, then line index inside the chunk. */
  chunkId: number;
  index: number;
  at: number;
  backend: string;
  paneId: string;
  handle?: string;
  agent?: string;
  /** True on the first line after a gap. */
  gap: boolean;
  line: string;
}

interface ChunkRow {
  id: number;
  at: number;
  backend: string;
  pane_id: string;
  handle: string | null;
  agent: string | null;
  gap: number;
  line_count: number;
  text: string;
}

function linesOf(row: ChunkRow, text = row.text): StoredLine[] {
  return text.split('\n').map((line, index) => ({
    chunkId: row.id,
    index,
    at: row.at,
    backend: row.backend,
    paneId: row.pane_id,
    handle: row.handle ?? undefined,
    agent: row.agent ?? undefined,
    gap: index === 0 && row.gap === 1,
    line,
  }));
}

/** Inserts chunks in one transaction (the FTS index follows through a trigger). Empty chunks are skipped. */
export function insertOutputChunks(db: Database, chunks: readonly OutputChunk[]): void {
  const insert = db.prepare(
    'INSERT INTO output_chunks (at, backend, pane_id, handle, agent, gap, line_count, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const c of chunks) {
      if (c.lines.length === 0) continue;
      insert.run(c.at, c.backend, c.paneId, c.handle ?? null, c.agent ?? null, c.gap ? 1 : 0, c.lines.length, c.lines.join('\n'));
    }
  })();
}

export interface OutputSelector {
  /** Lines of the agent tab with this handle. */
  handle?: string;
  paneId?: string;
}

function selectorClause(selector: OutputSelector): { where: string; params: unknown[] } {
  const { sql, params } = filtersOf([
    ['handle = ?', selector.handle],
    ['pane_id = ?', selector.paneId],
  ]);
  return { where: sql, params };
}

/** The last `count` lines, oldest first. */
export function lastOutputLines(db: Database, selector: OutputSelector, count: number): StoredLine[] {
  if (count <= 0) return [];
  const { where, params } = selectorClause(selector);
  const newestFirst = db.prepare(`SELECT * FROM output_chunks WHERE ${where} ORDER BY id DESC`).iterate(...params) as IterableIterator<ChunkRow>;
  const chunks: StoredLine[][] = [];
  let total = 0;
  for (const row of newestFirst) {
    chunks.push(linesOf(row));
    total += row.line_count;
    if (total >= count) break;
  }
  return chunks.reverse().flat().slice(-count);
}

/** Lines of chunks stored after chunk `afterChunkId`, oldest first (`logs --follow`). */
export function outputLinesAfter(db: Database, selector: OutputSelector, afterChunkId: number, limitChunks = 500): StoredLine[] {
  const { where, params } = selectorClause(selector);
  const rows = db
    .prepare(`SELECT * FROM output_chunks WHERE ${where} AND id > ? ORDER BY id LIMIT ?`)
    .all(...params, afterChunkId, limitChunks) as ChunkRow[];
  return rows.flatMap((row) => linesOf(row));
}

/** Id of the newest chunk (0 when there is none): where `logs --follow` starts. */
export function newestChunkId(db: Database, selector: OutputSelector = {}): number {
  const { where, params } = selectorClause(selector);
  const row = db.prepare(`SELECT max(id) AS id FROM output_chunks WHERE ${where}`).get(...params) as { id: number | null };
  return row.id ?? 0;
}

export interface SearchOptions {
  agent?: string;
  handle?: string;
  /** Epoch ms: only output stored at or after. */
  since?: number;
  /** Most lines returned (default 50). */
  limit?: number;
}

export interface SearchHit extends StoredLine {
  /** Character ranges [start, end) of the matched terms in `line`. */
  matches: [number, number][];
}

/** Marks FTS5's highlight() puts around matched terms: control characters captured screen text does not contain. */
const MATCH_OPEN = '\u0002';
const MATCH_CLOSE = '\u0003';

/** Ranges of the marked terms in a highlighted line, in the coordinates of the unmarked line. */
export function markedRanges(marked: string): [number, number][] {
  const ranges: [number, number][] = [];
  let plain = 0;
  let start = -1;
  for (const ch of marked) {
    if (ch === MATCH_OPEN) start = plain;
    else if (ch === MATCH_CLOSE && start >= 0) {
      ranges.push([start, plain]);
      start = -1;
    } else plain += ch.length;
  }
  return ranges;
}

/**
 * Full-text search, newest first, one hit per matching line. The query is FTS5 syntax when it parses
 * (`error AND retry`, `"exact phrase"`, `limit*`); anything else is searched as plain words.
 */
export function searchOutput(db: Database, query: string, options: SearchOptions = {}): SearchHit[] {
  try {
    return runSearch(db, query, options);
  } catch (error) {
    if (!/fts5: syntax error|no such column|unterminated string|unknown special query/i.test((error as Error).message)) throw error;
    return runSearch(db, plainWordsQuery(query), options);
  }
}

/** Each word as a quoted FTS5 string: punctuation and operator words lose their meaning. */
export function plainWordsQuery(query: string): string {
  return query
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `"${word.replace(/"/g, '""')}"`)
    .join(' ');
}

function runSearch(db: Database, query: string, options: SearchOptions): SearchHit[] {
  const filters = filtersOf([
    ['c.agent = ?', options.agent],
    ['c.handle = ?', options.handle],
    ['c.at >= ?', options.since],
  ]);
  const limit = options.limit ?? 50;
  // Newest first by rowid: FTS5 walks its index backwards and the loop stops at `limit` lines, where ranking
  // all matches (ORDER BY rank) would score every hit in a million-line log.
  const rows = db
    .prepare(
      `SELECT c.*, highlight(output_fts, 0, ?, ?) AS marked
         FROM output_fts JOIN output_chunks c ON c.id = output_fts.rowid
        WHERE output_fts MATCH ? AND ${filters.sql}
        ORDER BY output_fts.rowid DESC`,
    )
    .iterate(MATCH_OPEN, MATCH_CLOSE, query, ...filters.params) as IterableIterator<ChunkRow & { marked: string }>;
  const hits: SearchHit[] = [];
  for (const row of rows) {
    const marked = row.marked.split('\n');
    const lines = linesOf(row);
    for (let index = lines.length - 1; index >= 0 && hits.length < limit; index--) {
      if (marked[index]!.includes(MATCH_OPEN)) hits.push({ ...lines[index]!, matches: markedRanges(marked[index]!) });
    }
    if (hits.length >= limit) break;
  }
  return hits;
}
