// Markdown tables: readable on a terminal, and pasted as-is into the README.

const cell = (value) => (value === null || value === undefined ? '–' : String(value));

export function markdownTable(headers, rows) {
  const text = [headers, ...rows].map((row) => row.map(cell));
  const widths = headers.map((_, i) => Math.max(3, ...text.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  return [line(text[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...text.slice(1).map(line)].join('\n');
}
