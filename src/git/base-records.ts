import os from 'node:os';
import path from 'node:path';
import { readTextIfExists } from '../core/paths.js';

/**
 * `branch.<b>.workmux-base` for every branch, read straight from the repository's config file — the one
 * `git config` writes them to — so `list` and `merge` need no `git config` process. Returns undefined
 * (ask git) whenever the file uses something this reader does not follow: include directives, old-style
 * `[branch.x]` sections, quoted or escaped values, or when another config file mentions workmux-base.
 */
export function readBaseRecords(commonDir: string, gitDir: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> | undefined {
  const text = readTextIfExists(path.join(commonDir, 'config'));
  if (text === undefined) return undefined;
  const home = env.HOME || os.homedir();
  const others = [path.join(gitDir, 'config.worktree'), path.join(home, '.gitconfig'), path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'config'), '/etc/gitconfig'];
  if (others.some((file) => /workmux-base/i.test(readTextIfExists(file) ?? ''))) return undefined;
  const bases = new Map<string, string>();
  let branch: string | undefined;
  for (const rawLine of text.split('\n')) {
    let line = rawLine;
    const header = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\s*\](.*)$/.exec(line);
    if (header) {
      const section = header[1]!.toLowerCase();
      if (section.startsWith('include') || (section.includes('.') && section.startsWith('branch'))) return undefined;
      branch = section === 'branch' && header[2] !== undefined ? header[2].replace(/\\(.)/g, '$1') : undefined;
      line = header[3]!;
    } else if (/^\s*\[/.test(line)) {
      return undefined; // a header this reader does not parse
    }
    const entry = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(line);
    if (!entry || branch === undefined || entry[1]!.toLowerCase() !== 'workmux-base') continue;
    const value = entry[2];
    if (value === undefined || /["\\]/.test(value)) return undefined;
    bases.set(branch, value.replace(/[#;].*$/, '').trim()); // unquoted, so # and ; start a comment
  }
  return bases;
}
