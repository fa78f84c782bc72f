// Profiling a ClassifierTrainer.fit() run from its onStep hook: each step becomes a CPU span,
// the buffer pool is sampled, and the step's GPU times are collected in one batch. The first
// `warmup` steps (the first compiles the plan) run untimed and show as one span.
import type { StepInfo } from '../nn/trainer.js';
import type { Profiler } from './profiler.js';

export class StepProfiler {
  /** Construct it right before fit(): the first step is timed from here. */
  private readonly created = performance.now();
  private last = this.created;
  private seen = 0;
  /** Steps timed so far and their summed wall time (ms), the denominator of "% of step". */
  steps = 0;
  stepsMs = 0;

  constructor(
    readonly profiler: Profiler,
    private readonly warmup = 0,
  ) {
    if (warmup === 0) profiler.start();
  }

  /** Call from FitOptions.onStep. */
  onStep(info: StepInfo): void {
    const now = performance.now();
    const n = ++this.seen;
    if (n <= this.warmup) {
      if (n === this.warmup) {
        this.profiler.recordSpan(`warm-up: ${n} step${n > 1 ? 's' : ''} (compiles the plan)`, this.created, now);
        this.profiler.start();
      }
    } else {
      this.profiler.recordSpan(`step ${n}`, this.last, now, { epoch: info.epoch + 1, batch: info.batch, loss: info.loss.toFixed(4) });
      this.steps++;
      this.stepsMs += now - this.last;
      void this.profiler.collect();
    }
    this.profiler.sampleMemory();
    this.last = now;
  }
}
