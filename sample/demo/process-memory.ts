import { readdirSync, readFileSync } from 'node:fs';

/** A pid's children, from /proc/<pid>/task/<tid>/children (every thread may have forked). */
function children(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found; // exited
  }
  for (const tid of tasks) {
    try {
      found.push(...readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // the thread ended while we looked
    }
  }
  return found;
}

/** The pid and all its live descendants. */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...children(tree[i]!));
  return tree;
}

/**
 * PSS of a process tree in MiB: each shared page (node, libraries, model files) is split among the
 * processes that map it, so the sum counts the tree's memory once. (RSS would count shared pages
 * once per process.)
 */
export function treePss(pid: number): { mib: number; processes: number } {
  let kib = 0;
  let processes = 0;
  for (const member of processTree(pid)) {
    try {
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      processes += 1;
    } catch {
      // exited while we looked
    }
  }
  return { mib: kib / 1024, processes };
}
