/** Codex signals (agent-signals.md, "Codex events", "Limits and errors"). */
import { UUID, type RawRule, type RulePack } from './types.js';

export const DEFAULT_CODEX_RESUME = 'codex resume {{session}}';
const RESUME_LINE = `/codex resume (?<session>${UUID})/`;

export const codexPack: RulePack = {
  name: 'codex',
  description: 'Codex: stop on a usage limit and keep its resume id, record token usage, notify limit warnings',
  options: {
    resume_at_reset: { type: 'boolean', description: 'restart a limited session by itself at the reset time' },
    resume_command: { type: 'string', description: `resume command template (default: ${DEFAULT_CODEX_RESUME})` },
  },
  rules: (options) => {
    const resumeCommand = (options.resume_command as string | undefined) ?? DEFAULT_CODEX_RESUME;
    const resumeAtReset: RawRule[] = options.resume_at_reset
      ? [{ wait: { until: '{{reset}}', on_timeout: 'stop' } }, { resume: true }]
      : [];
    return [
      {
        id: 'codex.usage-limit',
        agent: 'codex',
        description: 'stop the session, capture its resume id and the reset time (workmux resume restarts it)',
        // `■ You’ve hit your usage limit. … try again at 4:57 PM.` or `… Try again later.` (typographic apostrophe)
        match: '/You.ve hit your usage limit\\.(?:.*?try again at (?<reset>\\d{1,2}:\\d{2}\\s*[AP]M))?/i',
        actions: [
          { record: 'limit' },
          { notify: 'Codex hit its usage limit: stopping it; `workmux resume {{handle}}` restarts it. {{line}}' },
          { exit: true },
          { wait: { match: RESUME_LINE, timeout: '30s', on_timeout: 'stop' } },
          { record: { resume: resumeCommand } },
          { status: 'waiting' },
          ...resumeAtReset,
        ],
      },
      {
        id: 'codex.resume-id',
        agent: 'codex',
        description: 'record `codex resume <uuid>` printed on exit',
        match: RESUME_LINE,
        actions: [{ record: { resume: resumeCommand } }],
      },
      {
        id: 'codex.token-usage',
        agent: 'codex',
        description: 'store `Token usage: total=… input=… output=…` as metrics',
        match:
          '/Token usage(?: so far)?: total=(?<total>[\\d,]+) input=(?<input>[\\d,]+)(?: \\(\\+ (?<cached>[\\d,]+) cached\\))? output=(?<output>[\\d,]+)/',
        actions: [{ record: 'metric' }],
      },
      {
        id: 'codex.limit-warning',
        agent: 'codex',
        description: 'notify `⚠ Heads up, you have less than 25% of your 5h limit left.`',
        match: '/Heads up, you have less than (?<left>\\d+)% of your (?<window>\\S+) limit left/',
        actions: [{ notify: 'Codex: less than {{left}}% of the {{window}} limit left' }],
      },
    ];
  },
};
