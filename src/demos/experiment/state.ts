// What an experiment page exposes on window.gradwgslExperiment, for the browser tests and for
// anyone poking at a run from the console.
import type { ClaimRow, ExperimentRecord, ProgressEvent } from 'gradwgsl/experiments';

export interface ExperimentPageState {
  experiment: string;
  state: 'loading' | 'ready' | 'running' | 'done' | 'error' | 'bad-config' | 'no-webgpu';
  /** Every progress event of the current run, in order. */
  progress: ProgressEvent[];
  claims: ClaimRow[];
  /** File names of the report's plots. */
  plots: string[];
  /** Wall time of the last finished run. */
  seconds?: number;
  /** The last finished run's result.json content. */
  record?: ExperimentRecord;
  /** Why the run failed or the config was refused. */
  error?: string;
}

declare global {
  interface Window {
    gradwgslExperiment: ExperimentPageState;
  }
}
