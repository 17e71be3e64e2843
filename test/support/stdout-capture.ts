/** Collects what is written to stdout and stderr (Nest's ConsoleLogger writes there) until `restore()`. */
export function captureOutput(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const collect = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = collect;
  process.stderr.write = collect;
  return {
    lines,
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}
