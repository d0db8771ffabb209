import fs from 'node:fs';
import path from 'node:path';

/** Glob → RegExp for `/`-separated relative paths: `**` any depth, `*` and `?` within a segment. Pure. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const SKIPPED_DIRS = new Set(['.git']);

/**
 * Relative paths under `root` matching `glob`. A glob without wildcards is a direct lookup; otherwise only
 * the directory before the first wildcard is walked, and `.git` is never entered. Matching directories are
 * returned as a whole (not descended into).
 */
export function expandGlob(root: string, glob: string): string[] {
  const normalized = glob.replace(/^\.\//, '').replace(/\/$/, '');
  if (!/[*?]/.test(normalized)) return fs.existsSync(path.join(root, normalized)) ? [normalized] : [];
  const staticPrefix = normalized.slice(0, normalized.search(/[*?]/)).replace(/[^/]*$/, '').replace(/\/$/, '');
  const pattern = globToRegExp(normalized);
  const matches: string[] = [];
  const walk = (relativeDir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relativeDir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (pattern.test(relative)) matches.push(relative);
      else if (entry.isDirectory() && !entry.isSymbolicLink()) walk(relative);
    }
  };
  walk(staticPrefix);
  return matches.sort();
}
