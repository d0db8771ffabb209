import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../workflows/context.js';
import { managedWorktrees, worktreePathFor } from '../workflows/worktrees.js';
import { storedBases } from '../git/repo.js';
import { worktreesWithChanges } from '../git/worktree-status.js';
import { assertValidBranchName, handleForBranch } from '../git/branch-names.js';
import { renderListing } from './commands/list.js';
import type { WorktreeListing } from '../workflows/list.js';

/**
 * Training for the start-up snapshot (see snapshot-entry.ts), beyond yargs: the in-process work of `list`
 * and `add` — repository discovery, config defaults, the worktree list and refs, base records, the status
 * cache (both a stale and a fresh verdict), the pane listing, a process spawn, rendering — run once on a
 * scratch repository with two worktrees, so the snapshot carries their compiled code and warmed-up state.
 * A first run of those paths costs several times what a warm one does.
 *
 * What must not happen here, because it would be frozen into the snapshot: opening the store (a native
 * addon cannot be serialised), calling nanoid (its random pool), caching anything about this machine
 * (packageRoot, config files) — and touching the user's tmux server (a scratch socket is used).
 * Without git the training is skipped: the snapshot still works, it is only less warm.
 */
export async function trainWorkflows(): Promise<void> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'workmux-snapshot-')));
  try {
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_STATE_HOME: path.join(home, '.state'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'workmux',
      GIT_AUTHOR_EMAIL: 'workmux@example.invalid',
      GIT_COMMITTER_NAME: 'workmux',
      GIT_COMMITTER_EMAIL: 'workmux@example.invalid',
      WORKMUX_TMUX_SOCKET: `workmux-snapshot-${process.pid}`,
    };
    const repo = path.join(dir, 'proj');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, stdio: 'ignore' });
    try {
      fs.mkdirSync(repo);
      git('init', '-q', '-b', 'main');
      fs.writeFileSync(path.join(repo, 'README.md'), '# training\n');
      git('add', '.');
      git('commit', '-q', '-m', 'training');
      for (const branch of ['feature/one', 'two']) git('worktree', 'add', '-q', '-b', branch, path.join(dir, 'proj__worktrees', handleForBranch(branch)));
      git('config', 'branch.two.workmux-base', 'main');
    } catch {
      return; // no git here: no training
    }

    const ctx = await createContext({ cwd: repo, env });
    assertValidBranchName('feature/three');
    worktreePathFor(ctx, handleForBranch('feature/three'));
    await ctx.git.resolveCommits(['refs/heads/feature/three', 'HEAD']);
    await ctx.git.currentBranch();
    const worktrees = await managedWorktrees(ctx);
    const paths = worktrees.map((wt) => wt.path);
    fs.writeFileSync(path.join(paths[0]!, 'untracked.txt'), 'dirty\n');
    await worktreesWithChanges(ctx.git, paths, { env, racyMs: 0 }); // asks git (a spawn), records verdicts
    const dirty = await worktreesWithChanges(ctx.git, paths, { env, racyMs: 0 }); // answered from the cache
    const bases = await storedBases(ctx.git);
    const panes = await (await ctx.backend()).listPanes(); // no server on the scratch socket: an empty list
    const rows: WorktreeListing[] = worktrees.map((wt, i) => ({
      handle: wt.handle, branch: wt.branch ?? null, path: wt.path, base: (wt.branch && bases.get(wt.branch)) || null, dirty: dirty[i]!,
      tab: panes[0]?.tabName ?? `wm-${wt.handle}`, backend: 'tmux', agent: i ? 'claude' : null, status: i ? 'working' : null,
    }));
    renderListing(rows);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
