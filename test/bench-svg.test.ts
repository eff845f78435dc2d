/**
 * The bench chart (bench/lib/svg-chart.mjs): a standalone document, escaped
 * text, bars scaled per panel, labels, legend and the 1.0 reference line.
 */
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
    {
      title: 'micro',
      groups: [{ label: 'genid', bars: [{ series: 'micro', label: 'wasm genid', value: 20 }] }],
    },
  ],
};

/** The bars: every rect BAR_HEIGHT (14) high, with its x, width and fill. */
function bars(svg: string) {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="14" fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title>/g)].map(
    (m) => ({ x: Number(m[1]), width: Number(m[2]), fill: m[3], title: m[4] }),
  );
}

describe('bench SVG chart', () => {
  const svg = renderRatioChart(chart);

  it('is a standalone SVG document with its size declared', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/ width="1000" height="\d+(\.\d)?" viewBox="0 0 1000 \d+(\.\d)?"/);
  });

  it('escapes text so titles cannot break the markup', () => {
    expect(svg).toContain('ratios &lt;to&gt; express-session &amp; co');
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
  });

  it('draws one bar per finite value, proportional within its panel, and labels the missing one n/a', () => {
    const drawn = bars(svg);
    expect(drawn.map((b) => b.title)).toEqual(['bare: 2.00x', 'ours: 1.50x', 'bare: 3.00x', 'wasm genid: 20.00x']);
    const [bareRead, oursRead, bareNew] = drawn;
    expect(oursRead.width / bareRead.width).toBeCloseTo(0.75, 2);
    expect(bareNew.width / bareRead.width).toBeCloseTo(1.5, 2);
    expect(svg).toContain('ours: n/a');
    expect(svg).toContain('>1.50x</text>');
  });

  it('scales each panel on its own, so a large micro ratio does not flatten the others', () => {
    const drawn = bars(svg);
    const micro = drawn[3];
    const bareNew = drawn[2];
    // 20x is far more than 3x, yet both panels use a similar share of the width.
    expect(micro.width / bareNew.width).toBeLessThan(2);
  });

  it('names labelled bars one by one and gives each series one colour in the legend and on its bars', () => {
    expect(svg).toContain('>wasm genid</text>');
    const legendColour = (series: string) => {
      const index = svg.indexOf(`>${series}</text>`);
      return [...svg.slice(0, index).matchAll(/fill="(#[0-9a-f]{6})"/g)].at(-1)?.[1];
    };
    expect(legendColour('bare')).not.toBe(legendColour('ours'));
    const bareFills = bars(svg).filter((b) => b.title.startsWith('bare:')).map((b) => b.fill);
    expect(bareFills).toEqual([legendColour('bare'), legendColour('bare')]);
  });

  it('draws the reference line at 1.0 on the same scale as the bars of its panel', () => {
    const line = svg.match(/<line x1="([\d.]+)"/);
    const bareRead = bars(svg)[0];
    // bare read-only is 2.0x, so its bar is twice as long as the distance to the 1.0 line.
    expect(Number(line?.[1]) - bareRead.x).toBeCloseTo(bareRead.width / 2, 0);
  });
});
