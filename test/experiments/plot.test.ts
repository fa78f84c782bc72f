// The reports' SVG line charts: every finite point is drawn, sparse series get dots (a single
// point has no line), and points a log axis cannot show are left out.
import { describe, expect, it } from 'vitest';
import { lineChart } from '../../src/experiments/plot.js';

const opts = { title: 't', xLabel: 'x', yLabel: 'y', width: 400, height: 300 };
const count = (svg: string, tag: string) => svg.split(`<${tag} `).length - 1;
const polylinePoints = (svg: string) => /<polyline [^>]*points="([^"]*)"/.exec(svg)![1]!.split(' ');

describe('lineChart', () => {
  it('draws a lone point as a dot, and both points of a two-point series', () => {
    const svg = lineChart([{ name: 'a', points: [[1, 0.5]] }, { name: 'b', points: [[0, 0.1], [2, 0.9]] }], opts);
    expect(count(svg, 'circle')).toBe(3);
    expect(count(svg, 'polyline')).toBe(2);
    // Margins l 70, r 160, t 40, b 50: x in [70, 240], y in [40, 250]; x = 1 of [0, 2] is the middle.
    expect(svg).toContain('<circle cx="155.0" cy="145.0" r="3"');
  });

  it('draws long series as lines only, skipping points that are not finite', () => {
    const points = Array.from({ length: 100 }, (_, i): [number, number] => [i, i % 10 === 3 ? NaN : Math.sin(i)]);
    const svg = lineChart([{ name: 'long', points }], opts);
    expect(count(svg, 'circle')).toBe(0);
    expect(polylinePoints(svg).length).toBe(90);
  });

  it('leaves out points a log axis cannot show', () => {
    const svg = lineChart([{ name: 'log', points: [[1, 10], [2, 0], [3, -1], [4, 1000]] }], { ...opts, logY: true });
    expect(polylinePoints(svg).length).toBe(2);
    expect(count(svg, 'circle')).toBe(2);
  });
});
