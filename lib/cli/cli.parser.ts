import { parseArgs } from 'node:util';
import { COMMANDS, findCommand, type CommandSpec } from './cli.commands.js';
import { CliError } from './cli.error.js';

export type ParsedCommandLine =
  | { kind: 'help'; command?: CommandSpec }
  | { kind: 'version' }
  | { kind: 'run'; command: CommandSpec; flags: Record<string, string | boolean | undefined> };

/** Parses `openrtc <command> [flags]`. Anything it does not know is a usage error that names the fix. */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    if (rest[0] === undefined) return { kind: 'help' };
    return { kind: 'help', command: commandNamed(rest[0]) };
  }
  const command = commandNamed(first);
  const flags = parseFlags(command, rest);
  if (flags.help) return { kind: 'help', command };
  for (const flag of command.flags) {
    if (flag.required && (flags[flag.name] === undefined || flags[flag.name] === '')) {
      throw new CliError(`'openrtc ${command.name}' needs --${flag.name} ${flag.value ?? ''}`.trimEnd() + `: ${flag.description}.`, 2);
    }
  }
  return { kind: 'run', command, flags };
}

function commandNamed(name: string): CommandSpec {
  const command = findCommand(name);
  if (command) return command;
  if (name.startsWith('-')) {
    throw new CliError(`Flags go after the command: openrtc <command> ${name} (commands: ${COMMANDS.map((c) => c.name).join(', ')}).`, 2);
  }
  const guess = closest(name, COMMANDS.map((c) => c.name));
  throw new CliError(
    `Unknown command '${name}'.${guess ? ` Did you mean '${guess}'?` : ''} Commands: ${COMMANDS.map((c) => c.name).join(', ')} (openrtc --help).`,
    2,
  );
}

function parseFlags(command: CommandSpec, args: string[]): Record<string, string | boolean | undefined> {
  const options = Object.fromEntries(
    command.flags.map((flag) => [flag.name, { type: flag.type, ...(flag.name === 'help' ? { short: 'h' } : {}) }]),
  ) as Parameters<typeof parseArgs>[0] extends infer C ? C extends { options?: infer O } ? O : never : never;
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new CliError(usageMessage(command, args, error as Error & { code?: string }), 2);
  }
}

/** node's parseArgs messages are long and name no fix: say what was wrong with this command line. */
function usageMessage(command: CommandSpec, args: string[], error: Error & { code?: string }): string {
  const help = `openrtc ${command.name} --help`;
  const quoted = /'(-{1,2}[^']*)'/.exec(error.message)?.[1] ?? /'([^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = (quoted ?? '').replace(/^-+/, '').split('=')[0]!;
      const guess = closest(name, command.flags.map((flag) => flag.name));
      return `Unknown flag ${quoted ?? ''} for 'openrtc ${command.name}'.${guess ? ` Did you mean --${guess}?` : ''} Run '${help}' for its flags.`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const named = /'--([a-z-]+)/.exec(error.message)?.[1];
      const flag = command.flags.find((f) => f.name === named);
      if (flag?.type === 'boolean') return `Flag --${flag.name} takes no value. Run '${help}'.`;
      return flag ? `Flag --${flag.name} needs a value: --${flag.name} ${flag.value ?? '<value>'}.` : `${error.message.split('\n')[0]} Run '${help}'.`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const value = quoted ?? args.find((arg) => !arg.startsWith('-'));
      const hint = value && /[\\/]|\.[cm]?js$/.test(value) && command.flags.some((flag) => flag.name === 'app') ? ` (the app is --app ${value})` : '';
      return `Unexpected argument '${value}' for 'openrtc ${command.name}': it takes flags only${hint}. Run '${help}'.`;
    }
    default:
      return `${error.message.split('\n')[0]} Run '${help}'.`;
  }
}

/** The candidate within edit distance 2 (or a prefix match), for "did you mean". */
function closest(input: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.startsWith(input) && input.length >= 3 ? 1 : editDistance(input, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
