import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, lineChart, niceTicks } from './svg';

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });
});

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 9.3)).toEqual([0, 2, 4, 6, 8, 10]);
    const t = niceTicks(-0.03, 0.12);
    expect(t[0]).toBeLessThanOrEqual(-0.03);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(0.12);
  });
  it('widens an empty range', () => {
    expect(niceTicks(0, 0).length).toBeGreaterThan(1);
  });
});

describe('barChart', () => {
  it('draws one bar per finite value and skips missing ones', () => {
    const svg = barChart({
      title: 'GFLOP/s',
      categories: ['cpu', 'webasm', 'headlessgl'],
      series: [
        { name: 'n = 64', values: [1, 2, 3] },
        { name: 'n = 128', values: [1.5, null, Number.NaN] },
      ],
    });
    expect(count(svg, '<rect class="bar"')).toBe(4);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('escapes titles, categories and series names', () => {
    const svg = barChart({ title: 'a < b & "c"', categories: ['<script>'], series: [{ name: "O'Brien & co", values: [1] }, { name: 'x>y', values: [2] }] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).toContain('O&#39;Brien &amp; co');
    expect(svg).toContain('x&gt;y');
    expect(count(svg, '<rect class="bar"')).toBe(2);
  });

  it('handles negative values and an empty chart', () => {
    expect(count(barChart({ title: 't', categories: ['a', 'b'], series: [{ name: 's', values: [-1, 2] }] }), '<rect class="bar"')).toBe(2);
    expect(count(barChart({ title: 't', categories: [], series: [] }), '<rect class="bar"')).toBe(0);
  });
});

describe('lineChart', () => {
  it('draws one path per series and escapes its names', () => {
    const svg = lineChart({
      title: 'loss',
      xLabel: 'step',
      yLabel: 'loss <log>',
      logY: true,
      series: [
        { name: 'train & test', points: [[0, 2], [1, 1], [2, 0.5]] },
        { name: 'b', points: [[0, 1], [1, 0], [2, Number.NaN]] },
      ],
    });
    expect(count(svg, '<path class="line"')).toBe(2);
    expect(svg).toContain('train &amp; test');
    expect(svg).toContain('loss &lt;log&gt;');
    expect(svg).not.toContain('NaN');
  });

  it('draws a line dashed or wide when asked, and shows the same stroke in its legend', () => {
    const points = [[0, 1], [1, 2]] as const;
    const svg = lineChart({ title: 't', series: [{ name: 'wide', points, strokeWidth: 4 }, { name: 'dashed', points, dash: '6 4' }] });
    expect(count(svg, 'stroke-dasharray="6 4"')).toBe(2); // the line and its legend sample
    expect(count(svg, 'stroke-width="4"')).toBe(2);
    expect(svg).toMatch(/<path class="line"[^>]*stroke-width="1\.5" stroke-dasharray="6 4"><title>dashed<\/title>/);
  });
});
