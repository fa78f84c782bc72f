// Live training curves: the experiments' SVG line chart (src/experiments/plot.ts), redrawn as
// points arrive, at most once per animation frame.
import { lineChart, type ChartOptions } from 'gradwgsl/experiments';

export class LiveChart {
  private readonly series: { name: string; points: [number, number][] }[];
  private pending = false;

  constructor(
    private readonly host: HTMLElement,
    names: readonly string[],
    private readonly options: ChartOptions,
  ) {
    this.series = names.map((name) => ({ name, points: [] }));
    this.draw();
  }

  add(series: number, x: number, y: number): void {
    this.series[series]!.points.push([x, y]);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  clear(): void {
    for (const s of this.series) s.points.length = 0;
    this.draw();
  }

  private draw(): void {
    this.host.innerHTML = lineChart(this.series, this.options);
  }
}
