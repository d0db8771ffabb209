/**
 * Versioned schema migrations. Append new entries; never edit one that has shipped.
 * `user_version` records how many have been applied.
 */
export const migrations: readonly string[] = [
  // 1: one row per agent tab workmux opened.
  `CREATE TABLE agents (
     id            TEXT PRIMARY KEY,
     project_root  TEXT NOT NULL,
     handle        TEXT NOT NULL,
     branch        TEXT NOT NULL,
     worktree_path TEXT NOT NULL,
     backend       TEXT NOT NULL,
     scope         TEXT NOT NULL DEFAULT '',
     tab_id        TEXT NOT NULL DEFAULT '',
     tab_name      TEXT NOT NULL,
     pane_id       TEXT NOT NULL DEFAULT '',
     agent         TEXT NOT NULL DEFAULT '',
     status        TEXT NOT NULL DEFAULT 'starting',
     status_since  INTEGER NOT NULL,
     created_at    INTEGER NOT NULL,
     closed_at     INTEGER
   );
   CREATE INDEX agents_worktree ON agents (worktree_path, closed_at);
   CREATE INDEX agents_pane ON agents (backend, pane_id, closed_at);`,

  // 2 (watch): every state change, every event, and all pane output with an FTS5 index over it.
  // Output is stored in chunks (the lines one pane produced in one observation, joined by \n): FTS5 pays per
  // row, and chunking is what lets ingest keep up with a busy agent. output_fts is an external-content index
  // over output_chunks (snippets/highlights read the text from there); triggers keep it in step, so retention
  // is a plain DELETE. Only the handle index: every extra index costs ingest speed (ids grow with time, so
  // retention finds its cutoff by id).
  `CREATE TABLE agent_states (
     id        INTEGER PRIMARY KEY,
     at        INTEGER NOT NULL,
     backend   TEXT NOT NULL,
     pane_id   TEXT NOT NULL,
     agent_id  TEXT,
     handle    TEXT,
     agent     TEXT NOT NULL DEFAULT '',
     state     TEXT NOT NULL,
     previous  TEXT,
     reason    TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX agent_states_pane ON agent_states (backend, pane_id, at);
   CREATE INDEX agent_states_at ON agent_states (at);
   CREATE TABLE events (
     id       INTEGER PRIMARY KEY,
     at       INTEGER NOT NULL,
     type     TEXT NOT NULL,
     backend  TEXT NOT NULL DEFAULT '',
     pane_id  TEXT NOT NULL,
     handle   TEXT,
     payload  TEXT NOT NULL
   );
   CREATE INDEX events_at ON events (at);
   CREATE INDEX events_pane ON events (pane_id, at);
   CREATE TABLE output_chunks (
     id          INTEGER PRIMARY KEY,
     at          INTEGER NOT NULL,
     backend     TEXT NOT NULL DEFAULT '',
     pane_id     TEXT NOT NULL,
     handle      TEXT,
     agent       TEXT,
     gap         INTEGER NOT NULL DEFAULT 0,
     line_count  INTEGER NOT NULL,
     text        TEXT NOT NULL
   );
   CREATE INDEX output_chunks_handle ON output_chunks (handle, id);
   CREATE VIRTUAL TABLE output_fts USING fts5(text, content='output_chunks', content_rowid='id');
   CREATE TRIGGER output_chunks_ai AFTER INSERT ON output_chunks BEGIN
     INSERT INTO output_fts (rowid, text) VALUES (new.id, new.text);
   END;
   CREATE TRIGGER output_chunks_ad AFTER DELETE ON output_chunks BEGIN
     INSERT INTO output_fts (output_fts, rowid, text) VALUES ('delete', old.id, old.text);
   END;`,
  // 3 (rules engine): the audit of every gated action, per-pane workflow state (so a restarted watcher
  // resumes mid-workflow), occurrences already fired, metrics, usage limits and resume commands.
  `CREATE TABLE rule_audit (
     id          INTEGER PRIMARY KEY,
     at          INTEGER NOT NULL,
     rule_id     TEXT NOT NULL,
     pane_id     TEXT NOT NULL,
     handle      TEXT,
     workflow_id TEXT,
     step        INTEGER,
     action      TEXT NOT NULL,
     detail      TEXT NOT NULL DEFAULT '',
     outcome     TEXT NOT NULL,
     reason      TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX rule_audit_at ON rule_audit (at);
   CREATE INDEX rule_audit_pane ON rule_audit (pane_id, at);

   CREATE TABLE rule_occurrences (
     key     TEXT PRIMARY KEY,
     rule_id TEXT NOT NULL,
     pane_id TEXT NOT NULL,
     at      INTEGER NOT NULL
   );
   CREATE INDEX rule_occurrences_at ON rule_occurrences (at);

   CREATE TABLE rule_workflows (
     id            TEXT PRIMARY KEY,
     rule_id       TEXT NOT NULL,
     pane_id       TEXT NOT NULL,
     handle        TEXT,
     agent         TEXT,
     step          INTEGER NOT NULL DEFAULT 0,
     vars          TEXT NOT NULL DEFAULT '{}',
     status        TEXT NOT NULL,
     wait_deadline INTEGER,
     started_at    INTEGER NOT NULL,
     updated_at    INTEGER NOT NULL,
     reason        TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX rule_workflows_active ON rule_workflows (status, pane_id);

   CREATE TABLE rule_metrics (
     id      INTEGER PRIMARY KEY,
     at      INTEGER NOT NULL,
     pane_id TEXT NOT NULL,
     handle  TEXT,
     agent   TEXT,
     rule_id TEXT NOT NULL,
     name    TEXT NOT NULL,
     value   REAL NOT NULL
   );
   CREATE INDEX rule_metrics_at ON rule_metrics (at);

   CREATE TABLE agent_limits (
     id         INTEGER PRIMARY KEY,
     at         INTEGER NOT NULL,
     pane_id    TEXT NOT NULL,
     handle     TEXT,
     agent      TEXT,
     rule_id    TEXT NOT NULL,
     text       TEXT NOT NULL,
     reset_text TEXT NOT NULL DEFAULT '',
     reset_at   INTEGER
   );
   CREATE INDEX agent_limits_at ON agent_limits (at);

   CREATE TABLE agent_resume (
     id         INTEGER PRIMARY KEY,
     at         INTEGER NOT NULL,
     pane_id    TEXT NOT NULL,
     handle     TEXT,
     agent      TEXT,
     rule_id    TEXT NOT NULL,
     session    TEXT NOT NULL,
     command    TEXT NOT NULL,
     reset_at   INTEGER,
     resumed_at INTEGER,
     UNIQUE (pane_id, session)
   );
   CREATE INDEX agent_resume_handle ON agent_resume (handle, at);`,
];
