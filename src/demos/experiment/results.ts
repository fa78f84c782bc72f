// A finished run in the page: the claims table with coloured verdicts, every plot inline, the
// report text, and the run's record as a result.json download (the CLI's file, same shape).
import { recordJson, type ClaimRow, type ExperimentRecord, type ExperimentReport } from 'gradwgsl/experiments';
import { escapeHtml } from '../common/webgpu.js';

export interface ResultElements {
  section: HTMLElement;
  claims: HTMLTableElement;
  plots: HTMLElement;
  report: HTMLElement;
  download: HTMLAnchorElement;
}

function claimsHtml(rows: readonly ClaimRow[]): string {
  const head = '<thead><tr><th>claim</th><th>paper</th><th>ours</th><th>verdict</th></tr></thead>';
  const body = rows.map((r) => `<tr><td>${escapeHtml(r.claim)}</td><td>${escapeHtml(r.paper)}</td><td>${escapeHtml(r.ours)}</td>` +
    `<td class="verdict ${r.verdict.replace(/[^a-z]+/g, '-')}">${escapeHtml(r.verdict)}</td></tr>`).join('');
  return `${head}<tbody>${body}</tbody>`;
}

/** The plots come from our own report code (src/experiments/plot.ts), so they go in as markup. */
function plotsHtml(plots: Record<string, string>): string {
  return Object.entries(plots).map(([file, svg]) => `<figure>${svg}<figcaption>${escapeHtml(file)}</figcaption></figure>`).join('');
}

export function showResults(el: ResultElements, report: ExperimentReport, record: ExperimentRecord): void {
  el.claims.innerHTML = claimsHtml(report.claims);
  el.plots.innerHTML = plotsHtml(report.plots) || '<p class="status">This experiment\'s report has no plots: its numbers are in the table above and the report below.</p>';
  el.report.textContent = report.text;
  if (el.download.href.startsWith('blob:')) URL.revokeObjectURL(el.download.href);
  el.download.href = URL.createObjectURL(new Blob([recordJson(record)], { type: 'application/json' }));
  el.section.hidden = false;
}
