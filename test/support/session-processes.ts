import { readdirSync, readFileSync } from 'node:fs';

/** A file of /proc, or '' once its process or thread is gone (they come and go while we read). */
function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The children of `pid` that run upstream's job process entry (job_proc_lazy_main): process
 * isolation's session processes, warm or busy, each with when it was forked (clock ticks since boot).
 */
export function sessionProcesses(pid: number): Array<{ pid: number; forkedAtTicks: number }> {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) => read(`/proc/${pid}/task/${tid}/children`).trim().split(/\s+/).filter(Boolean).map(Number));
  return children
    .filter((child) => read(`/proc/${child}/cmdline`).includes('job_proc_lazy_main'))
    .map((child) => ({ pid: child, forkedAtTicks: Number(read(`/proc/${child}/stat`).split(') ')[1]?.split(' ')[19]) }));
}
