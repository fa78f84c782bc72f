// Which source a run measured: the checked-out git commit, so records from different machines
// (bench reports, the shards of a grid) can be told apart or joined only when they match.
import { execFileSync } from 'node:child_process';

/** The checked-out commit, marked +dirty when the tree has changes; null outside a git checkout. */
export function sourceVersion(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : '');
  } catch {
    return null;
  }
}
