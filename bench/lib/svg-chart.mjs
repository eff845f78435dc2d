// A hand-rolled horizontal grouped bar chart of ratios, written as SVG text so
// no browser or canvas is needed. One colour per series across all panels.

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];
const WIDTH = 920;
const LABEL_WIDTH = 250;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 80;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 12;
const PANEL_TITLE_HEIGHT = 34;

/**
 * @param {{ title: string, subtitle?: string, reference?: { value: number, label: string },
 *   panels: Array<{ title: string, groups: Array<{ label: string, bars: Array<{ series: string, value: number }> }> }> }} chart
 * @returns {string} a standalone SVG document
 */
export function renderRatioChart(chart) {
  const reference = chart.reference ?? { value: 1, label: '1.00x' };
  const series = seriesInOrder(chart.panels);
  const colourOf = new Map(series.map((name, i) => [name, PALETTE[i % PALETTE.length]]));
  const values = chart.panels.flatMap((panel) => panel.groups.flatMap((group) => group.bars.map((bar) => bar.value)));
  const scaleMax = niceMax(Math.max(reference.value, ...values.filter(Number.isFinite)) * 1.08);
  const x = (value) => PLOT_LEFT + (Math.max(0, value) / scaleMax) * (PLOT_RIGHT - PLOT_LEFT);

  const parts = [];
  let y = 30;
  parts.push(text(20, y, chart.title, { size: 18, weight: 'bold' }));
  if (chart.subtitle) {
    y += 20;
    parts.push(text(20, y, chart.subtitle, { size: 12, fill: '#555' }));
  }
  y += 24;
  const key = legend(series, colourOf, y);
  parts.push(...key.parts);
  y = key.bottom + 20;

  for (const panel of chart.panels) {
    y += PANEL_TITLE_HEIGHT - 12;
    parts.push(text(20, y, panel.title, { size: 14, weight: 'bold' }));
    y += 12;
    const top = y;
    const referenceAt = parts.length; // the reference line goes under the bars and their labels
    for (const group of panel.groups) {
      const groupHeight = group.bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
      parts.push(text(LABEL_WIDTH, y + groupHeight / 2 + 4, group.label, { size: 12, anchor: 'end' }));
      for (const bar of group.bars) {
        if (Number.isFinite(bar.value)) {
          const width = Math.max(1, x(bar.value) - PLOT_LEFT);
          parts.push(
            `<rect x="${PLOT_LEFT}" y="${y}" width="${round(width)}" height="${BAR_HEIGHT}" fill="${colourOf.get(bar.series)}"><title>${escapeXml(`${bar.series}: ${bar.value.toFixed(2)}x`)}</title></rect>`,
          );
          parts.push(text(x(bar.value) + 4, y + BAR_HEIGHT - 3, `${bar.value.toFixed(2)}x`, { size: 11 }));
        } else {
          parts.push(text(PLOT_LEFT + 4, y + BAR_HEIGHT - 3, `${bar.series}: n/a`, { size: 11, fill: '#888' }));
        }
        y += BAR_HEIGHT + BAR_GAP;
      }
      y += GROUP_GAP - BAR_GAP;
    }
    const referenceX = round(x(reference.value));
    parts.splice(
      referenceAt,
      0,
      `<line x1="${referenceX}" y1="${top - 4}" x2="${referenceX}" y2="${y - GROUP_GAP + 4}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
    parts.push(text(referenceX + 4, y + 4, reference.label, { size: 11, fill: '#333' }));
    y += 14;
  }
  y += 10;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${round(y)}" viewBox="0 0 ${WIDTH} ${round(y)}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function seriesInOrder(panels) {
  const seen = new Set();
  for (const panel of panels) for (const group of panel.groups) for (const bar of group.bars) seen.add(bar.series);
  return [...seen];
}

// Swatches left to right, wrapping to a new line before the right edge. Text
// width is estimated (no font metrics without a browser): 7 px a character.
function legend(series, colourOf, top) {
  const parts = [];
  let x = 20;
  let y = top;
  for (const name of series) {
    const width = 28 + name.length * 7;
    if (x > 20 && x + width > WIDTH - 20) {
      x = 20;
      y += 18;
    }
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colourOf.get(name)}"/>`);
    parts.push(text(x + 16, y, name, { size: 12 }));
    x += width;
  }
  return { parts, bottom: y };
}

/** A round upper bound for the axis (1, 1.5, 2, 2.5, 3, 4, 5, …) so bars of different runs compare by eye. */
function niceMax(value) {
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return steps.map((step) => step * magnitude).find((candidate) => candidate >= value) ?? 10 * magnitude;
}

function text(x, y, content, { size = 12, weight = 'normal', anchor = 'start', fill = '#111' } = {}) {
  return `<text x="${round(x)}" y="${round(y)}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="${fill}">${escapeXml(content)}</text>`;
}

function round(value) {
  return Math.round(value * 10) / 10;
}

export function escapeXml(value) {
  return String(value).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);
}
