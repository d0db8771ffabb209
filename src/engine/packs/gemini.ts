/** Gemini CLI signals (agent-signals.md, "Limits and errors", "Exit"). */
import { UUID, type RulePack } from './types.js';

export const geminiPack: RulePack = {
  name: 'gemini',
  description: 'Gemini CLI: record and notify usage limits, record resume ids',
  options: {},
  rules: () => [
    {
      id: 'gemini.usage-limit',
      agent: 'gemini',
      description: 'the daily-quota dialog: record the limit, notify',
      match: '/Usage limit reached for all (?<models>.+?) models/',
      actions: [{ record: 'limit' }, { notify: 'Gemini hit its usage limit ({{models}} models)' }],
    },
    {
      id: 'gemini.quota-exhausted',
      agent: 'gemini',
      description: 'the API error that follows the dialog: record it (the dialog already notified)',
      match: 'You have exhausted your daily quota',
      actions: [{ record: 'limit' }],
    },
    {
      id: 'gemini.resume-id',
      agent: 'gemini',
      description: 'record `gemini --resume <uuid>` printed on exit',
      match: `/gemini --resume (?<session>${UUID})/`,
      actions: [{ record: { resume: 'gemini --resume {{session}}' } }],
    },
  ],
};
