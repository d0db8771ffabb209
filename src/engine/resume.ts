/**
 * Restarting a stopped agent with its recorded resume id (`codex resume <uuid>` …): used by the `resume`
 * rule action and by `workmux resume <name>`.
 */
import type { Backend } from '../../backends/types.js';
import { WorkmuxError } from '../core/errors.js';
import type { Database } from '../store/db.js';
import { systemClock, type Clock } from './rules/clock.js';
import { RuleRecords, type ResumeRecord } from './rules/records.js';
import { DEFAULT_GATE_SETTINGS } from './rules/types.js';

/** Types text as one paste, pauses so the program takes the paste in, then presses Enter. */
export async function sendSubmitted(backend: Pick<Backend, 'sendText' | 'sendKey'>, paneId: string, text: string, clock: Clock, delayMs: number): Promise<void> {
  await backend.sendText(paneId, text);
  if (delayMs > 0) await clock.sleep(delayMs);
  await backend.sendKey(paneId, 'enter');
}

/**
 * Types the newest unused resume command for a handle or pane into `paneId` (default: the record's pane) and
 * marks the record used. Returns the record, or undefined when there is nothing to resume.
 */
export async function resumeInPane(
  target: { handle?: string; paneId?: string },
  backend: Pick<Backend, 'sendText' | 'sendKey'>,
  records: RuleRecords,
  clock: Clock,
  submitDelayMs: number,
  intoPane?: string,
): Promise<ResumeRecord | undefined> {
  const record = records.pendingResume(target);
  if (!record) return undefined;
  // Marked first: a second resume racing this one finds nothing instead of typing the command twice.
  records.markResumed(record.id, clock.now());
  await sendSubmitted(backend, intoPane ?? record.paneId, record.command, clock, submitDelayMs);
  return record;
}

/**
 * `workmux resume <name>`: the pane the agent ran in gets its recorded resume command. Looks the record up by
 * pane first (the pane outlives the agent), then by handle.
 */
export async function resumeAgent(options: {
  backend: Pick<Backend, 'sendText' | 'sendKey'>;
  store: Database;
  paneId: string;
  handle?: string;
  clock?: Clock;
  submitDelayMs?: number;
}): Promise<ResumeRecord> {
  const records = new RuleRecords(options.store);
  const clock = options.clock ?? systemClock;
  const delay = options.submitDelayMs ?? DEFAULT_GATE_SETTINGS.submitDelayMs;
  const target = records.pendingResume({ paneId: options.paneId }) ? { paneId: options.paneId } : { handle: options.handle };
  const resumed = await resumeInPane(target, options.backend, records, clock, delay, options.paneId);
  if (!resumed) {
    throw new WorkmuxError(`nothing to resume for ${options.handle ?? options.paneId}`, {
      hint: 'a session is resumable after a rule recorded its resume id (e.g. the codex pack on a usage limit)',
    });
  }
  return resumed;
}
