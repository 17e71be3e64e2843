// Memory of a process tree from /proc. PSS splits each shared page among the processes that map
// it, so summing PSS over a worker and its children counts the tree's memory once; RSS counts
// every shared page (the node binary, libraries, model files) once per process. File-backed pages
// are shared with every process on the machine that maps the same files, so their PSS share
// moves when unrelated processes start or stop; anonymous PSS (heaps, stacks, native buffers)
// does not, which makes it the steady measure of what sessions add.
import { readFileSync } from 'node:fs';
import { processTree, readStat } from '../../scripts/process-tree.mjs';

function rollup(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKiB: kib('Rss'), pssKiB: kib('Pss'), pssAnonKiB: kib('Pss_Anon') };
}

/** PSS, anonymous PSS and RSS summed over the tree, in MiB, with the process count. */
export function treeMemory(rootPid = process.pid) {
  let pss = 0;
  let pssAnon = 0;
  let rss = 0;
  let processes = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const m = rollup(pid);
      pss += m.pssKiB;
      pssAnon += m.pssAnonKiB;
      rss += m.rssKiB;
      processes += 1;
    } catch {
      // exited while we looked
    }
  }
  return { pssMiB: pss / 1024, pssAnonMiB: pssAnon / 1024, rssMiB: rss / 1024, processes };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by these processes (one that exited meanwhile counts 0). */
function cpuSeconds(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const { utime, stime } = readStat(pid);
      total += (utime + stime) / TICKS;
    } catch {
      // exited while we looked
    }
  }
  return total;
}

/** CPU seconds used so far by a pid and its descendants. */
export function treeCpuSeconds(rootPid = process.pid) {
  return cpuSeconds(processTree(rootPid));
}

/** CPU seconds used so far by the descendants of a pid (not the pid itself). */
export function descendantsCpuSeconds(rootPid = process.pid) {
  return cpuSeconds(processTree(rootPid).slice(1));
}
