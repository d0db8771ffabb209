/** The real strings agents print, verbatim from ../shared/contracts/agent-signals.md (uuids made up where it shows `<uuid>`). */
export const SIGNALS = {
  claudeCompacted: 'Conversation compacted · ctrl+o for history',
  claudeLimit: "You've hit your limit · resets 5pm (America/Chicago)",
  claudeLimitOld: '5-hour limit reached ∙ resets 3am',
  claudeResume: 'claude --resume 8f2c1d4e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
  codexLimit: '■ You’ve hit your usage limit. … try again at 4:57 PM.',
  codexLimitLater: '■ You’ve hit your usage limit. Try again later.',
  codexTokenUsage: 'Token usage: total=100,117 input=90,506 (+ 3,008,512 cached) output=9,611',
  codexResume: 'To continue this session, run codex resume 019bcea5-acb4-7370-a50d-8a2b59553cf6',
  codexWarning: '⚠ Heads up, you have less than 25% of your 5h limit left.',
  geminiLimit: 'Usage limit reached for all Pro models',
  geminiQuota: '✕ [API Error: You have exhausted your daily quota on this model.]',
  geminiResume: 'To resume this session: gemini --resume 3b9d7a10-55c2-4e0f-8a61-2f4b9c0d1e22',
} as const;
