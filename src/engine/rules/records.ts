/**
 * The rule engine's rows in the store (tables from schema.ts): audit trail, remembered occurrences,
 * persisted workflows, metrics, limits and resume records. Prepared statements, one small method each.
 */
import type { Database } from '../../store/db.js';

export type AuditOutcome = 'done' | 'dry-run' | 'deferred' | 'blocked' | 'rate-limited' | 'failed' | 'skipped';

export interface AuditEntry {
  at: number;
  ruleId: string;
  paneId: string;
  handle?: string;
  workflowId?: string;
  step?: number;
  action: string;
  /** What was sent, run or notified. */
  detail: string;
  outcome: AuditOutcome;
  reason?: string;
}

export type WorkflowStatus = 'running' | 'waiting' | 'done' | 'stopped' | 'failed' | 'cancelled';

export interface WorkflowRow {
  id: string;
  ruleId: string;
  paneId: string;
  handle?: string;
  agent?: string;
  /** Index of the next step to run (or of the wait step in progress). */
  step: number;
  vars: Record<string, string>;
  status: WorkflowStatus;
  waitDeadline?: number;
  startedAt: number;
  updatedAt: number;
  reason?: string;
}

export interface PaneRef {
  paneId: string;
  handle?: string;
  agent?: string;
  ruleId: string;
  at: number;
}

export interface ResumeRecord {
  id: number;
  at: number;
  paneId: string;
  handle?: string;
  agent?: string;
  session: string;
  command: string;
  resetAt?: number;
  resumedAt?: number;
}

type Row = Record<string, unknown>;
const opt = <T>(value: unknown): T | undefined => (value === null || value === undefined ? undefined : (value as T));

export class RuleRecords {
  constructor(private readonly db: Database) {}

  audit(e: AuditEntry): void {
    this.db
      .prepare(
        `INSERT INTO rule_audit (at, rule_id, pane_id, handle, workflow_id, step, action, detail, outcome, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.at, e.ruleId, e.paneId, e.handle ?? null, e.workflowId ?? null, e.step ?? null, e.action, e.detail, e.outcome, e.reason ?? '');
  }

  recentAudit(limit = 50): AuditEntry[] {
    const rows = this.db.prepare(`SELECT * FROM rule_audit ORDER BY id DESC LIMIT ?`).all(limit) as Row[];
    return rows.reverse().map((r) => ({
      at: r.at as number,
      ruleId: r.rule_id as string,
      paneId: r.pane_id as string,
      handle: opt(r.handle),
      workflowId: opt(r.workflow_id),
      step: opt(r.step),
      action: r.action as string,
      detail: r.detail as string,
      outcome: r.outcome as AuditOutcome,
      reason: (r.reason as string) || undefined,
    }));
  }

  /** Records the occurrence; false when it was already seen within `windowMs` (a repeat, not a new one). */
  claimOccurrence(key: string, ruleId: string, paneId: string, at: number, windowMs: number): boolean {
    // One statement, so no explicit transaction: inserted, or refreshed only when the old claim expired.
    const result = this.db
      .prepare(
        `INSERT INTO rule_occurrences (key, rule_id, pane_id, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE excluded.at - rule_occurrences.at >= ?`,
      )
      .run(key, ruleId, paneId, at, windowMs);
    return result.changes > 0;
  }

  pruneOccurrences(olderThan: number): void {
    this.db.prepare(`DELETE FROM rule_occurrences WHERE at < ?`).run(olderThan);
  }

  saveWorkflow(w: WorkflowRow): void {
    this.db
      .prepare(
        `INSERT INTO rule_workflows (id, rule_id, pane_id, handle, agent, step, vars, status, wait_deadline, started_at, updated_at, reason)
         VALUES (@id, @ruleId, @paneId, @handle, @agent, @step, @vars, @status, @waitDeadline, @startedAt, @updatedAt, @reason)
         ON CONFLICT (id) DO UPDATE SET step = excluded.step, vars = excluded.vars, status = excluded.status,
           wait_deadline = excluded.wait_deadline, updated_at = excluded.updated_at, reason = excluded.reason`,
      )
      .run({
        ...w,
        handle: w.handle ?? null,
        agent: w.agent ?? null,
        vars: JSON.stringify(w.vars),
        waitDeadline: w.waitDeadline ?? null,
        reason: w.reason ?? '',
      });
  }

  /** Workflows a restarted watcher must pick up. */
  activeWorkflows(): WorkflowRow[] {
    const rows = this.db.prepare(`SELECT * FROM rule_workflows WHERE status IN ('running', 'waiting') ORDER BY started_at`).all() as Row[];
    return rows.map(toWorkflow);
  }

  workflow(id: string): WorkflowRow | undefined {
    const row = this.db.prepare(`SELECT * FROM rule_workflows WHERE id = ?`).get(id) as Row | undefined;
    return row ? toWorkflow(row) : undefined;
  }

  recordMetrics(ref: PaneRef, values: Record<string, number>): void {
    const insert = this.db.prepare(
      `INSERT INTO rule_metrics (at, pane_id, handle, agent, rule_id, name, value) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(values)) insert.run(ref.at, ref.paneId, ref.handle ?? null, ref.agent ?? null, ref.ruleId, name, value);
    })();
  }

  metrics(paneId?: string): { at: number; paneId: string; ruleId: string; name: string; value: number }[] {
    const rows = (paneId
      ? this.db.prepare(`SELECT * FROM rule_metrics WHERE pane_id = ? ORDER BY id`).all(paneId)
      : this.db.prepare(`SELECT * FROM rule_metrics ORDER BY id`).all()) as Row[];
    return rows.map((r) => ({ at: r.at as number, paneId: r.pane_id as string, ruleId: r.rule_id as string, name: r.name as string, value: r.value as number }));
  }

  recordLimit(ref: PaneRef, text: string, resetText: string, resetAt: number | null): void {
    this.db
      .prepare(`INSERT INTO agent_limits (at, pane_id, handle, agent, rule_id, text, reset_text, reset_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(ref.at, ref.paneId, ref.handle ?? null, ref.agent ?? null, ref.ruleId, text, resetText, resetAt);
  }

  limits(): { at: number; paneId: string; handle?: string; text: string; resetText: string; resetAt?: number }[] {
    const rows = this.db.prepare(`SELECT * FROM agent_limits ORDER BY id`).all() as Row[];
    return rows.map((r) => ({ at: r.at as number, paneId: r.pane_id as string, handle: opt(r.handle), text: r.text as string, resetText: r.reset_text as string, resetAt: opt(r.reset_at) }));
  }

  /** Idempotent per pane and session: the same id printed twice is one record. */
  recordResume(ref: PaneRef, session: string, command: string, resetAt: number | null): void {
    this.db
      .prepare(
        `INSERT INTO agent_resume (at, pane_id, handle, agent, rule_id, session, command, reset_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pane_id, session) DO UPDATE SET command = excluded.command, reset_at = COALESCE(excluded.reset_at, reset_at)`,
      )
      .run(ref.at, ref.paneId, ref.handle ?? null, ref.agent ?? null, ref.ruleId, session, command, resetAt);
  }

  /** The newest resume record not yet used, for a handle or a pane. */
  pendingResume(target: { handle?: string; paneId?: string }): ResumeRecord | undefined {
    const row = (target.handle !== undefined
      ? this.db.prepare(`SELECT * FROM agent_resume WHERE handle = ? AND resumed_at IS NULL ORDER BY at DESC, id DESC LIMIT 1`).get(target.handle)
      : this.db.prepare(`SELECT * FROM agent_resume WHERE pane_id = ? AND resumed_at IS NULL ORDER BY at DESC, id DESC LIMIT 1`).get(target.paneId)) as Row | undefined;
    return row ? toResume(row) : undefined;
  }

  markResumed(id: number, at: number): void {
    this.db.prepare(`UPDATE agent_resume SET resumed_at = ? WHERE id = ?`).run(at, id);
  }
}

function toWorkflow(r: Row): WorkflowRow {
  return {
    id: r.id as string,
    ruleId: r.rule_id as string,
    paneId: r.pane_id as string,
    handle: opt(r.handle),
    agent: opt(r.agent),
    step: r.step as number,
    vars: JSON.parse(r.vars as string) as Record<string, string>,
    status: r.status as WorkflowStatus,
    waitDeadline: opt(r.wait_deadline),
    startedAt: r.started_at as number,
    updatedAt: r.updated_at as number,
    reason: (r.reason as string) || undefined,
  };
}

function toResume(r: Row): ResumeRecord {
  return {
    id: r.id as number,
    at: r.at as number,
    paneId: r.pane_id as string,
    handle: opt(r.handle),
    agent: opt(r.agent),
    session: r.session as string,
    command: r.command as string,
    resetAt: opt(r.reset_at),
    resumedAt: opt(r.resumed_at),
  };
}
