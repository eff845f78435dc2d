// One table writer for both the results file and the console: a Markdown
// pipe table with padded columns reads well in a terminal too.

/**
 * @param {string[]} headers
 * @param {Array<Array<string|number>>} rows
 * @param {Array<'left'|'right'>} [align] per column; numbers read best right-aligned
 */
export function renderMarkdownTable(headers, rows, align = headers.map((_, i) => (i === 0 ? 'left' : 'right'))) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => escapeCell(String(cell))));
  const widths = headers.map((_, column) => Math.max(3, ...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row) =>
    `| ${widths.map((width, column) => pad(row[column] ?? '', width, align[column])).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (align[column] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

function pad(text, width, side) {
  return side === 'right' ? text.padStart(width) : text.padEnd(width);
}

// A pipe inside a cell would split it; newlines would end the row.
function escapeCell(text) {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
