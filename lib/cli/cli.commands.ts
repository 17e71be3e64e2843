/** What each `openrtc` command takes; the parser, the help text and the tests read this one table. */

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder in the help text, e.g. `<n>`. */
  value?: string;
  description: string;
  /** The environment variable the setting falls back to. */
  env?: string;
  required?: boolean;
}

export interface CommandSpec {
  name: CommandName;
  summary: string;
  flags: FlagSpec[];
  /** Extra lines at the end of the command's help. */
  notes?: string[];
}

export type CommandName = 'start' | 'dev' | 'connect' | 'console' | 'download-files' | 'list' | 'top';

const APP: FlagSpec = {
  name: 'app',
  type: 'string',
  value: '<file>[#Export]',
  description: "the BUILT file that exports your root module, and the export's name (default AppModule)",
  env: 'OPENRTC_APP',
};
const HELP: FlagSpec = { name: 'help', type: 'boolean', description: 'show this help' };
const LOG_LEVEL: FlagSpec = { name: 'log-level', type: 'string', value: '<level>', description: 'trace, debug, info, warn, error or fatal', env: 'LIVEKIT_LOG_LEVEL' };

/** The settings every worker command takes (CLI flag > environment variable > forRoot() > default). */
export const SETTING_FLAGS: FlagSpec[] = [
  { name: 'isolation', type: 'string', value: '<mode>', description: "'coroutine' (sessions share this process) or 'process' (a child process per session)", env: 'OPENRTC_ISOLATION' },
  { name: 'max-concurrent-sessions', type: 'string', value: '<n>', description: 'sessions held at once before offers are refused', env: 'OPENRTC_MAX_CONCURRENT_SESSIONS' },
  { name: 'drain-timeout', type: 'string', value: '<seconds>', description: 'how long shutdown waits for running sessions', env: 'OPENRTC_DRAIN_TIMEOUT' },
  { name: 'agent-name', type: 'string', value: '<name>', description: 'register for explicit dispatch under this name', env: 'OPENRTC_AGENT_NAME' },
  { name: 'idle-processes', type: 'string', value: '<n>', description: 'process isolation: children kept booted and waiting for calls', env: 'OPENRTC_IDLE_PROCESSES' },
  { name: 'max-event-loop-utilization', type: 'string', value: '<share>', description: "refuse offers while the event loop is this busy over the last few seconds (default 0.7; 'false' or 0: off)", env: 'OPENRTC_MAX_EVENT_LOOP_UTILIZATION' },
  { name: 'max-cpu-utilization', type: 'string', value: '<share>', description: "refuse offers while the worker and its children use this share of the cores (default 0.9; 'false' or 0: off)", env: 'OPENRTC_MAX_CPU_UTILIZATION' },
  { name: 'memory-warn-mb', type: 'string', value: '<MB>', description: 'log a warning (once per crossing) above this resident memory', env: 'OPENRTC_MEMORY_WARN_MB' },
  { name: 'memory-limit-mb', type: 'string', value: '<MB>', description: 'above this resident memory, drain and exit non-zero (process isolation: the child is killed)', env: 'OPENRTC_MEMORY_LIMIT_MB' },
  { name: 'url', type: 'string', value: '<url>', description: 'LiveKit server URL (ws:// or wss://)', env: 'LIVEKIT_URL' },
  { name: 'api-key', type: 'string', value: '<key>', description: 'LiveKit API key', env: 'LIVEKIT_API_KEY' },
  { name: 'api-secret', type: 'string', value: '<secret>', description: 'LiveKit API secret (prefer the variable: flags show in `ps`)', env: 'LIVEKIT_API_SECRET' },
  LOG_LEVEL,
];

const WORKER_FLAGS = [APP, ...SETTING_FLAGS, HELP];

export const COMMANDS: CommandSpec[] = [
  {
    name: 'start',
    summary: 'Run the worker in production mode: registers with LiveKit and serves every agent of the app',
    flags: [
      ...WORKER_FLAGS.slice(0, -1),
      { name: 'workers', type: 'string', value: '<n|auto>', description: 'run n workers, each its own process registered with LiveKit (auto: one per core), supervised', env: 'OPENRTC_WORKERS' },
      HELP,
    ],
    notes: [
      'SIGINT or SIGTERM drains running sessions (up to --drain-timeout), then closes; a second Ctrl+C forces the exit.',
      "With --workers, each worker's lines start with [worker <n>]; a worker that dies is restarted with backoff; a signal drains them all.",
    ],
  },
  {
    name: 'dev',
    summary: 'Run the worker in development mode: debug logs, pretty logs, no session limit unless you set one',
    flags: WORKER_FLAGS,
  },
  {
    name: 'connect',
    summary: 'Run a development worker and ask LiveKit to dispatch a job for one room to it',
    flags: [
      { name: 'room', type: 'string', value: '<name>', description: 'the room to join (created if it does not exist)', required: true },
      { name: 'participant-identity', type: 'string', value: '<identity>', description: 'the participant the agent listens to' },
      ...WORKER_FLAGS,
    ],
  },
  {
    name: 'console',
    summary: "Run one session in this process, attached to a local console broker over TCP (LiveKit's console mode)",
    flags: [
      { name: 'connect-addr', type: 'string', value: '<host:port>', description: "the broker's TCP address (the LiveKit CLI passes it)", required: true },
      { name: 'record', type: 'boolean', description: 'save the session report locally' },
      APP,
      LOG_LEVEL,
      HELP,
    ],
  },
  {
    name: 'download-files',
    summary: "Run every installed LiveKit plugin's download step (e.g. the multilingual turn detector's model)",
    flags: [APP, LOG_LEVEL, HELP],
    notes: ['Loads the app module, then every @livekit/agents-plugin-* package installed next to it. Connects to nothing.'],
  },
  {
    name: 'list',
    summary: 'List the registered agents: name, class, providers, greeting. Connects to nothing',
    flags: [APP, { name: 'json', type: 'boolean', description: 'print JSON instead of a table' }, HELP],
  },
  {
    name: 'top',
    summary: "Show a running worker live: load, sessions, RSS, event-loop delay, refused offers, and each session's agent, room, age and state",
    flags: [
      { name: 'socket', type: 'string', value: '<path>', description: "the worker's snapshot socket (default: the one worker of this user)", env: 'OPENRTC_TOP_SOCKET' },
      { name: 'pid', type: 'string', value: '<pid>', description: 'the worker process to show, when several run' },
      { name: 'once', type: 'boolean', description: 'print one frame and exit' },
      { name: 'json', type: 'boolean', description: 'print the snapshot as JSON and exit' },
      { name: 'interval', type: 'string', value: '<seconds>', description: 'refresh period (0.25 to 60, default 1)' },
      HELP,
    ],
    notes: ['Workers serve their snapshot on a unix socket (mode 0600) in $XDG_RUNTIME_DIR/openrtc, else <tmp>/openrtc-<uid>. Keys: q quits.'],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
