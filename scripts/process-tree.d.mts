// Types of scripts/process-tree.mjs, for the TypeScript tests that import it.
/** A process's parent and CPU ticks (user, system) from /proc/<pid>/stat; throws once it has exited. */
export declare function readStat(pid: number | string): { ppid: number; utime: number; stime: number };
/** The pid and every live descendant of it, parents before their children. */
export declare function processTree(rootPid?: number): number[];
/** Sends `signal` to the process and every descendant; returns how many it reached. */
export declare function signalTree(rootPid: number, signal?: NodeJS.Signals): number;
