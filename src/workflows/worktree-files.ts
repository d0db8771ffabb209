import fs from 'node:fs';
import path from 'node:path';
import { expandGlob } from '../core/glob.js';

/** Copy globs from a `.worktreeinclude` file in the project root (one per line, `#` comments). */
export function worktreeIncludeGlobs(projectRoot: string): string[] {
  const file = path.join(projectRoot, '.worktreeinclude');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/**
 * Brings untracked project files (.env, node_modules...) into a new worktree: `copy` globs are copied,
 * `symlink` globs linked. Existing files in the worktree (tracked ones) are left alone.
 */
export function bringFilesIntoWorktree(
  projectRoot: string,
  worktreePath: string,
  files: { copy: readonly string[]; symlink: readonly string[] },
): { copied: string[]; linked: string[] } {
  const copied: string[] = [];
  const linked: string[] = [];
  const place = (globs: readonly string[], act: (from: string, to: string) => void, done: string[]) => {
    for (const glob of globs) {
      for (const relative of expandGlob(projectRoot, glob)) {
        const target = path.join(worktreePath, relative);
        if (fs.existsSync(target) || isLink(target)) continue;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        act(path.join(projectRoot, relative), target);
        done.push(relative);
      }
    }
  };
  place([...files.copy, ...worktreeIncludeGlobs(projectRoot)], (from, to) => fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true }), copied);
  place(files.symlink, (from, to) => fs.symlinkSync(from, to), linked);
  return { copied, linked };
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
