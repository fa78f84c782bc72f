// The run's progress bar: the experiment's current label, done/total, elapsed time and an ETA
// extrapolated from the rate so far (experiments report in roughly equal units of work).
import type { ProgressEvent } from 'gradwgsl/experiments';

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Seconds left at the rate so far, or null before the first unit of work is done. */
export function etaSeconds(event: ProgressEvent, elapsedSeconds: number): number | null {
  return event.done > 0 ? (elapsedSeconds * (event.total - event.done)) / event.done : null;
}

export class ProgressView {
  private started = 0;
  private last: ProgressEvent | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly bar: HTMLProgressElement,
    private readonly text: HTMLElement,
  ) {}

  /** Elapsed seconds of the current (or last) run. */
  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  start(): void {
    this.started = performance.now();
    this.last = null;
    this.bar.removeAttribute('value'); // indeterminate until the first event says how much there is
    clearInterval(this.timer);
    // The clock keeps moving between events, which can be minutes apart in the full protocol.
    this.timer = setInterval(() => this.draw(), 1000);
    this.draw();
  }

  update(event: ProgressEvent): void {
    this.last = event;
    this.bar.max = Math.max(1, event.total);
    this.bar.value = event.done;
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
  }

  private draw(): void {
    const elapsed = this.seconds;
    const e = this.last;
    if (!e) {
      this.text.textContent = `starting… ${formatDuration(elapsed)}`;
      return;
    }
    const eta = etaSeconds(e, elapsed);
    this.text.textContent = `${e.label} · ${e.done}/${e.total} · ${formatDuration(elapsed)} elapsed` +
      (e.done < e.total ? `, about ${eta === null ? '…' : formatDuration(eta)} left` : '');
  }
}
