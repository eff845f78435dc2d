import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { escapeXml, renderRatioChart } from '../bench/lib/svg-chart.mjs';

const chart = {
  title: 'ratios <to> express-session & co',
  panels: [
    {
      title: 'in process',
      groups: [
        { label: 'read-only', bars: [{ series: 'bare', value: 2 }, { series: 'ours', value: 1.5 }] },
        { label: 'new session', bars: [{ series: 'bare', value: 3 }, { series: 'ours', value: NaN }] },
      ],
    },
  ],
};

describe('bench SVG chart', () => {
  const svg = renderRatioChart(chart);

  it('is a standalone SVG document with its size declared', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/ width="920" height="\d+(\.\d)?" viewBox="0 0 920 \d+(\.\d)?"/);
  });

  it('escapes text so titles cannot break the markup', () => {
    expect(svg).toContain('ratios &lt;to&gt; express-session &amp; co');
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
  });

  it('draws one bar per finite value, proportional to it, and labels the missing one n/a', () => {
    const widths = [...svg.matchAll(/<rect x="260" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(3);
    const [bareRead, oursRead, bareNew] = widths;
    expect(oursRead / bareRead).toBeCloseTo(0.75, 2);
    expect(bareNew / bareRead).toBeCloseTo(1.5, 2);
    expect(svg).toContain('ours: n/a');
    expect(svg).toContain('>1.50x</text>');
  });

  it('gives each series one colour in the legend and on its bars', () => {
    const legendColour = (series: string) => {
      const index = svg.indexOf(`>${series}</text>`);
      return [...svg.slice(0, index).matchAll(/fill="(#[0-9a-f]{6})"/g)].at(-1)?.[1];
    };
    expect(legendColour('bare')).not.toBe(legendColour('ours'));
    const barFills = [...svg.matchAll(/<rect x="260"[^>]*fill="(#[0-9a-f]{6})"><title>bare:/g)].map((m) => m[1]);
    expect(barFills).toEqual([legendColour('bare'), legendColour('bare')]);
  });

  it('draws the reference line at 1.0 on the same scale as the bars', () => {
    const line = svg.match(/<line x1="([\d.]+)"/);
    const bareRead = Number(svg.match(/<rect x="260" y="[\d.]+" width="([\d.]+)"/)?.[1]);
    // bare read-only is 2.0x, so its bar is twice as long as the distance to the 1.0 line.
    expect(Number(line?.[1]) - 260).toBeCloseTo(bareRead / 2, 0);
  });
});
