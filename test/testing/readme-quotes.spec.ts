import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

/** The regions of a file between `// README: <name>` and `// README: end`, without their indentation. */
function quoted(file: string): Map<string, string> {
  const lines = readFileSync(`${root}${file}`, 'utf8').split('\n');
  const regions = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const start = /^\s*\/\/ README: (?!end)(\S+)/.exec(lines[i]!);
    if (!start) continue;
    const end = lines.findIndex((line, j) => j > i && /^\s*\/\/ README: end/.test(line));
    const body = lines.slice(i + 1, end);
    const indent = Math.min(...body.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length));
    regions.set(start[1]!, body.map((line) => line.slice(indent)).join('\n').trim());
  }
  return regions;
}

describe("the README's Testing section", () => {
  it('quotes, verbatim, the code test/testing/readme-testing.spec.ts and simulated-turns.spec.ts run', () => {
    const regions = new Map([...quoted('test/testing/readme-testing.spec.ts'), ...quoted('test/testing/simulated-turns.spec.ts')]);
    expect([...regions.keys()]).toEqual(['testing-agent', 'testing-test', 'testing-simulate']);
    const section = readme.slice(readme.indexOf('## Testing your agents'), readme.indexOf('\n## ', readme.indexOf('## Testing your agents') + 3));
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
    for (const code of regions.values()) expect(blocks).toContain(code);
  });
});
