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
];
