// A line chart as an SVG string, drawn by hand: axes, ticks, one polyline per series, optional
// horizontal reference lines and a logarithmic y axis (for delays spanning 0.1 ms to seconds).

const W = 680;
const H = 380;
const M = { left: 70, right: 20, top: 44, bottom: 56 };
const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(2))));

/** A round upper bound for a linear axis: 1, 2 or 5 times a power of ten. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= value);
}

function yAxis(values, log) {
  if (log) {
    const lo = Math.floor(Math.log10(Math.max(0.1, Math.min(...values))));
    const hi = Math.ceil(Math.log10(Math.max(1, ...values)));
    const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    return { ticks, scale: (v) => (Math.log10(Math.max(10 ** lo, v)) - lo) / (hi - lo || 1) };
  }
  const max = niceMax(Math.max(...values));
  return { ticks: Array.from({ length: 6 }, (_, i) => (max * i) / 5), scale: (v) => v / max };
}

/**
 * @param series [{ name, color, dashed?, points: [[x, y], ...] }] (points with a null y are skipped)
 * @param references [{ y, label }] horizontal dashed lines
 */
export function lineChart({ title, xLabel, yLabel, series, references = [], logY = false }) {
  const points = series.flatMap((s) => s.points).filter(([, y]) => y !== null && y !== undefined);
  const xs = [...new Set(points.map(([x]) => x))].sort((a, b) => a - b);
  const xMax = Math.max(...xs) * 1.04; // the last point sits near the right edge
  const y = yAxis([...points.map(([, v]) => v), ...references.map((r) => r.y)], logY);
  const px = (x) => M.left + (x / xMax) * (W - M.left - M.right);
  const py = (v) => H - M.bottom - y.scale(v) * (H - M.top - M.bottom);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of y.ticks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 8}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${px(x)}" y="${H - M.bottom + 19}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}${logY ? ' (log scale)' : ''}</text>`);
  for (const r of references) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(r.y)}" y2="${py(r.y)}" stroke="#c00" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${W - M.right - 4}" y="${py(r.y) - 5}" text-anchor="end" fill="#c00">${esc(r.label)}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.points.filter(([, v]) => v !== null && v !== undefined);
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map(([x, v]) => `${px(x).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, v] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = M.top + 6 + i * 17;
    out.push(`<line x1="${M.left + 12}" x2="${M.left + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${M.left + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
