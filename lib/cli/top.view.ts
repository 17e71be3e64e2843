import type { RuntimeSnapshot } from '../runtime/snapshot.js';

/** One frame of `openrtc top`: the worker's header, then one row per live session (oldest first). */
export function renderTop(snapshot: RuntimeSnapshot, now: number): string {
  const { worker, sessions } = snapshot;
  const status = worker.draining ? 'DRAINING' : worker.registered ? 'registered' : 'not registered';
  const header = [
    `openrtc top · ${worker.isolation} isolation · ${status}`,
    `load ${Math.round(worker.load * 100)}%  sessions ${worker.activeSessions}/${worker.maxConcurrentSessions}  ` +
      `RSS ${Math.round(worker.rssBytes / (1024 * 1024))} MB  loop p99 ${worker.loopDelayP99Ms.toFixed(1)} ms  offers refused ${worker.offersRefused}`,
    '',
  ];
  if (sessions.length === 0) return [...header, '(no sessions)'].join('\n');
  const rows = sessions.map((s) => [s.agentName ?? '(unrouted)', s.roomName || '-', age(now - s.startedAt), s.state, s.jobId]);
  const titles = ['AGENT', 'ROOM', 'AGE', 'STATE', 'JOB'];
  const widths = titles.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [...header, line(titles), ...rows.map(line)].join('\n');
}

function age(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
