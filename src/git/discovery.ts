import { run, type RunResult } from '../core/exec.js';

/**
 * Repository discovery, startable before the CLI's modules load: bin/workmux.js calls
 * prefetchRepoDiscovery() first thing, so git answers on another core while Node compiles the CLI, and
 * Git.discover() picks the answer up instead of starting the same process again. Kept tiny (its own bundle
 * entry) so the launcher pays nothing for it.
 */
export const DISCOVERY_ARGV = ['git', 'rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--git-dir'] as const;

let prefetched: { cwd: string; result: Promise<RunResult> } | undefined;

export function prefetchRepoDiscovery(cwd: string): void {
  prefetched = { cwd, result: run(DISCOVERY_ARGV, { cwd, reject: false }) };
}

/** The discovery for `cwd`: the prefetched one when it was started for the same directory, else a new run. */
export function discoveryFor(cwd: string): Promise<RunResult> {
  const early = prefetched;
  prefetched = undefined;
  return early && early.cwd === cwd && process.cwd() === cwd ? early.result : run(DISCOVERY_ARGV, { cwd, reject: false });
}
