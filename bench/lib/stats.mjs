// Small numeric helpers shared by workers and suites.

/** The p-th percentile (0..100) of numbers sorted ascending, nearest-rank; undefined for none. */
function rank(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Count, p50, p99 and max of samples (in their unit). */
export function summary(values) {
  const sorted = Float64Array.from(values).sort();
  return { n: sorted.length, p50: rank(sorted, 50), p99: rank(sorted, 99), max: sorted[sorted.length - 1] };
}

/** Rounds for JSON and tables: keeps results readable without pretending to more precision. */
export function round(value, digits = 2) {
  if (value === undefined || value === null || !Number.isFinite(value)) return value ?? null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** High-resolution wall clock in epoch ms: comparable across processes of one machine. */
export const hrEpoch = () => performance.timeOrigin + performance.now();
