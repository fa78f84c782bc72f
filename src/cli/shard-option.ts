// `--shard i/n`: which slice of a grid this process runs, checked when commander parses it.
import { InvalidArgumentError } from 'commander';
import type { Shard } from 'gradwgsl/experiments';

export function shardOption(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(count >= 1 && index < count)) {
    throw new InvalidArgumentError('Expected i/n with n ≥ 1 and 0 ≤ i < n (i counts from 0, as JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID with --array=0-(n-1)).');
  }
  return { index, count };
}
