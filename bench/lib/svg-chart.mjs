// A hand-rolled horizontal grouped bar chart of ratios, written as SVG text so
// no browser or canvas is needed. One colour per series across all panels;
// each panel has its own scale, so a 20x micro result does not flatten the
// end-to-end bars.

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];
const WIDTH = 1000;
const RIGHT_MARGIN = 70; // room for the value printed after the longest bar
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 12;
const HEADER_HEIGHT = 18;
// No font metrics without a browser: text widths are estimated per character.
const CHAR_WIDTH = { 11: 6.2, 12: 6.8 };

/**
 * Bars with a `label` are named one by one in the label column and their
 * group's label becomes a heading above them; otherwise the group label sits
 * beside its bars and the legend names the series.
 * @param {{ title: string, subtitle?: string, reference?: { value: number, label: string },
 *   panels: Array<{ title: string, groups: Array<{ label: string,
 *     bars: Array<{ series: string, value: number, label?: string }> }> }> }} chart
 * @returns {string} a standalone SVG document
 */
export function renderRatioChart(chart) {
  const reference = chart.reference ?? { value: 1, label: '1.00x' };
  const series = seriesInOrder(chart.panels);
  const colourOf = new Map(series.map((name, i) => [name, PALETTE[i % PALETTE.length]]));
  const plotLeft = labelColumnWidth(chart.panels) + 10;
  const plotRight = WIDTH - RIGHT_MARGIN;

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
    const values = panel.groups.flatMap((group) => group.bars.map((bar) => bar.value)).filter(Number.isFinite);
    const scaleMax = niceMax(Math.max(reference.value, ...values) * 1.05);
    const x = (value) => plotLeft + (Math.max(0, value) / scaleMax) * (plotRight - plotLeft);

    y += 22;
    parts.push(text(20, y, panel.title, { size: 14, weight: 'bold' }));
    y += 12;
    const top = y;
    const referenceAt = parts.length; // the reference line goes under the bars and their labels
    for (const group of panel.groups) {
      const barsNamed = group.bars.some((bar) => bar.label !== undefined);
      if (barsNamed) {
        // Left-aligned: a long heading runs over the empty plot row instead of off the left edge.
        parts.push(text(20, y + 12, group.label, { size: 12, weight: 'bold' }));
        y += HEADER_HEIGHT;
      } else {
        const groupHeight = group.bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
        parts.push(text(plotLeft - 10, y + groupHeight / 2 + 4, group.label, { size: 12, anchor: 'end' }));
      }
      for (const bar of group.bars) {
        if (bar.label !== undefined) parts.push(text(plotLeft - 10, y + BAR_HEIGHT - 3, bar.label, { size: 11, anchor: 'end' }));
        if (Number.isFinite(bar.value)) {
          const width = Math.max(1, x(bar.value) - plotLeft);
          parts.push(
            `<rect x="${plotLeft}" y="${y}" width="${round(width)}" height="${BAR_HEIGHT}" fill="${colourOf.get(bar.series)}"><title>${escapeXml(`${bar.label ?? bar.series}: ${bar.value.toFixed(2)}x`)}</title></rect>`,
          );
          parts.push(text(x(bar.value) + 4, y + BAR_HEIGHT - 3, `${bar.value.toFixed(2)}x`, { size: 11 }));
        } else {
          parts.push(text(plotLeft + 4, y + BAR_HEIGHT - 3, `${bar.label ?? bar.series}: n/a`, { size: 11, fill: '#888' }));
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

/** Wide enough for the longest label beside the bars, within bounds that leave the bars room. */
function labelColumnWidth(panels) {
  let widest = 0;
  for (const panel of panels) {
    for (const group of panel.groups) {
      const barsNamed = group.bars.some((bar) => bar.label !== undefined);
      if (!barsNamed) widest = Math.max(widest, group.label.length * CHAR_WIDTH[12]);
      for (const bar of group.bars) if (bar.label !== undefined) widest = Math.max(widest, bar.label.length * CHAR_WIDTH[11]);
    }
  }
  return Math.min(420, Math.max(160, Math.ceil(widest) + 30));
}

// Swatches left to right, wrapping to a new line before the right edge.
function legend(series, colourOf, top) {
  const parts = [];
  let x = 20;
  let y = top;
  for (const name of series) {
    const width = 30 + name.length * CHAR_WIDTH[12];
    if (x > 20 && x + width > WIDTH - 20) {
      x = 20;
      y += 18;
    }
    parts.push(`<rect x="${round(x)}" y="${y - 10}" width="12" height="12" fill="${colourOf.get(name)}"/>`);
    parts.push(text(x + 16, y, name, { size: 12 }));
    x += width;
  }
  return { parts, bottom: y };
}

/** A round upper bound for an axis (1, 1.5, 2, 2.5, 3, 4, 5, …) so bars of different runs compare by eye. */
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
