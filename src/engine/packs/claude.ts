/** Claude Code signals (agent-signals.md, "Claude Code"): compaction, usage limit, resume id. */
import { UUID, type RulePack } from './types.js';

export const DEFAULT_REPRIME_TEXT = "Reread AGENTS.md so it's fresh in your mind.";

export const claudePack: RulePack = {
  name: 'claude',
  description: 'Claude Code: re-prime after a compaction, record and notify usage limits, record resume ids',
  options: {
    reprime: { type: 'string', description: 'text typed after `Conversation compacted` (default: reread AGENTS.md)' },
  },
  rules: (options) => [
    {
      id: 'claude.reprime',
      agent: 'claude',
      description: 'after a compaction, wait until Claude is idle, then re-prime it',
      match: 'Conversation compacted',
      actions: [
        { wait: { state: 'idle', timeout: '10m', on_timeout: 'stop' } },
        { send: (options.reprime as string | undefined) ?? DEFAULT_REPRIME_TEXT },
      ],
    },
    {
      id: 'claude.usage-limit',
      agent: 'claude',
      description: 'record the usage limit and its reset time, notify',
      // `You've hit your limit · resets 5pm (America/Chicago)`; older: `5-hour limit reached ∙ resets 3am`.
      match: "/(?:You.ve hit your limit|limit reached) [·∙] resets (?<reset>.+?)\\s*$/",
      actions: [{ record: 'limit' }, { notify: 'Claude hit its usage limit (resets {{reset}})' }],
    },
    {
      id: 'claude.resume-id',
      agent: 'claude',
      description: 'record `claude --resume <uuid>` so `workmux resume` can restart the session',
      match: `/claude --resume (?<session>${UUID})/`,
      actions: [{ record: { resume: 'claude --resume {{session}}' } }],
    },
  ],
};
