// Minimal, dependency-free SVG line charts for experiment reports (loss vs epoch, error vs N).

import type { ClaimRow } from './experiment.js';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) out.push(e);
    return out;
  }
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-12; v += nice) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Series with at most this many points also get a dot per point (a lone point has no line to draw). */
const DOTS_UP_TO = 25;

/** A line chart with one polyline per series; non-finite points (and ≤0 on log axes) are skipped. */
export function lineChart(series: readonly Series[], opts: ChartOptions): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 400;
  const m = { l: 70, r: 160, t: 40, b: 50 };
  const tx = (x: number) => (opts.logX ? Math.log10(x) : x);
  const ty = (y: number) => (opts.logY ? Math.log10(y) : y);
  const ok = ([x, y]: readonly [number, number]) =>
    Number.isFinite(tx(x)) && Number.isFinite(ty(y)) && (!opts.logX || x > 0) && (!opts.logY || y > 0);
  const pts = series.flatMap((s) => s.points.filter(ok));
  const xs = pts.map(([x]) => tx(x));
  const ys = pts.map(([, y]) => ty(y));
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (v: number) => H - m.b - ((v - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const label = (v: number, log: boolean | undefined) => (log ? `1e${v}` : String(Number(v.toPrecision(4))));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.r / 2}" y="22" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`,
  ];
  for (const v of ticks(x0, x1, !!opts.logX)) {
    if (v < x0 - 1e-9 || v > x1 + 1e-9) continue;
    parts.push(`<line x1="${sx(v)}" y1="${m.t}" x2="${sx(v)}" y2="${H - m.b}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(v)}" y="${H - m.b + 16}" text-anchor="middle">${label(v, opts.logX)}</text>`);
  }
  for (const v of ticks(y0, y1, !!opts.logY)) {
    if (v < y0 - 1e-9 || v > y1 + 1e-9) continue;
    parts.push(`<line x1="${m.l}" y1="${sy(v)}" x2="${W - m.r}" y2="${sy(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${sy(v) + 4}" text-anchor="end">${label(v, opts.logY)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const xy = s.points.filter(ok).map(([x, y]) => [sx(tx(x)).toFixed(1), sy(ty(y)).toFixed(1)]);
    if (xy.length) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${xy.map(([x, y]) => `${x},${y}`).join(' ')}"/>`);
    if (xy.length <= DOTS_UP_TO) for (const [x, y] of xy) parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${color}"/>`);
    const ly = m.t + 16 * i + 8;
    parts.push(`<line x1="${W - m.r + 10}" y1="${ly}" x2="${W - m.r + 30}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${W - m.r + 36}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A fixed-width text table: header row, then rows; columns padded to their widest cell. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const block = (title: string, paper: string, ours: string) => [title, `    paper: ${paper}`, `    ours:  ${ours}`].join('\n');

/** Claims as blocks (paper and ours on their own lines): the texts are too long for table columns. */
export function claimBlocks(rows: readonly ClaimRow[]): string {
  return rows.map((r) => block(`${r.claim}  [${r.verdict}]`, r.paper, r.ours)).join('\n');
}

/** What the spec asks to report without a bar, as blocks under a heading: shown, never judged. */
export function unjudgedBlocks(rows: readonly Omit<ClaimRow, 'verdict'>[]): string {
  return ['Reported without a bar (the spec sets none, so no verdict):', ...rows.map((r) => block(r.claim, r.paper, r.ours))].join('\n');
}
