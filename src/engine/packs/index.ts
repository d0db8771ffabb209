/** The built-in rule packs, opt-in through `rule_packs:`. */
import { claudePack } from './claude.js';
import { codexPack } from './codex.js';
import { geminiPack } from './gemini.js';
import type { RulePack } from './types.js';

export type { RawRule, RulePack, PackOption } from './types.js';

export const BUILTIN_PACKS: Readonly<Record<string, RulePack>> = {
  claude: claudePack,
  codex: codexPack,
  gemini: geminiPack,
};

export const PACK_NAMES = Object.keys(BUILTIN_PACKS);
