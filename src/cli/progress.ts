// A progress bar for long work that stays quiet when stdout is not a terminal (CI logs).
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(value: number, fields: Record<string, string>): void;
  stop(): void;
}

export function progressBar(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) {
    return { start() {}, update() {}, stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{label} [{bar}] {value}/{total} | loss {loss} | {eta_formatted} left', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label, loss: '-' }),
    update: (value, fields) => bar.update(value, fields),
    stop: () => bar.stop(),
  };
}
