// A process and its descendants, from /proc (Linux). The tests and the live demo start livekit-server
// and `openrtc start` in their own session rather than in a new one (`detached`): on Linux each
// session is a scheduling group of its own (autogroup), and on a loaded machine a lightly loaded
// group was seen starved for seconds while runnable (a livekit-server refusing joins, "could not
// find any available nodes"). Without a process group of their own, their trees are ended by
// walking /proc. (The live benchmark keeps its worker in a session of its own on purpose: see
// bench/suites/live.mjs.)
import { readdirSync, readFileSync } from 'node:fs';

/** A process's parent and CPU ticks (user, system) from /proc/<pid>/stat; throws once it has exited. */
export function readStat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
}

/** The pid and every live descendant of it, parents before their children. */
export function processTree(rootPid = process.pid) {
  let names;
  try {
    names = readdirSync('/proc');
  } catch {
    return [rootPid]; // no /proc (macOS): the process alone
  }
  const children = new Map();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const { ppid } = readStat(name);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  const tree = [];
  const visit = (pid) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return tree;
}

/**
 * Sends `signal` to the process and every descendant, all found before any is signalled (a child
 * whose parent dies first is re-parented, and would not be found after). Returns how many it reached.
 */
export function signalTree(rootPid, signal = 'SIGKILL') {
  let reached = 0;
  for (const pid of processTree(rootPid)) {
    try {
      process.kill(pid, signal);
      reached += 1;
    } catch {
      // gone already
    }
  }
  return reached;
}
