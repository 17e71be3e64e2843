import { COMMANDS, SETTING_FLAGS, type CommandSpec, type FlagSpec } from './cli.commands.js';

/** `openrtc --help`. */
export function mainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `openrtc ${version}: run every LiveKit agent of a NestJS app in one worker`,
    '',
    'Usage: openrtc <command> --app <built file>[#Export] [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Point it at your app with --app dist/app.module.js#AppModule (the BUILT file and the root module',
    'it exports; the export defaults to AppModule) or the OPENRTC_APP variable.',
    '',
    'Settings: CLI flag > environment variable (.env through ConfigModule counts) > forRoot() > default.',
    ...flagLines(SETTING_FLAGS),
    '',
    "Run 'openrtc <command> --help' for a command's flags.",
  ].join('\n');
}

/** `openrtc <command> --help`. */
export function commandHelp(command: CommandSpec): string {
  const required = command.flags.filter((flag) => flag.required).map((flag) => `--${flag.name} ${flag.value ?? ''}`.trimEnd());
  return [
    `Usage: openrtc ${command.name} ${required.join(' ')}${required.length ? ' ' : ''}${command.flags.some((flag) => flag.name === 'app') ? '--app <built file>[#Export] ' : ''}[flags]`,
    '',
    `${command.summary}.`,
    '',
    'Flags:',
    ...flagLines(command.flags),
    ...(command.notes ? ['', ...command.notes] : []),
  ].join('\n');
}

function flagLines(flags: FlagSpec[]): string[] {
  const label = (flag: FlagSpec) => `${flag.name === 'help' ? '-h, ' : ''}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
  const width = Math.max(...flags.map((flag) => label(flag).length));
  return flags.map((flag) => {
    const extra = [flag.required ? 'required' : '', flag.env ? `env ${flag.env}` : ''].filter(Boolean).join(', ');
    return `  ${label(flag).padEnd(width)}  ${flag.description}${extra ? ` (${extra})` : ''}`;
  });
}
