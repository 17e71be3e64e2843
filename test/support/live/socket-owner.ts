import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The socket inodes of TCP connections whose local port is `port` (Linux /proc/net/tcp{,6}). */
function inodesOfLocalPort(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of read(table).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hex}`) && fields[9] && fields[9] !== '0') inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** `pid` and all its descendants, read from /proc. */
export function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`, { withFileTypes: false }).flatMap((tid) =>
    read(`/proc/${pid}/task/${tid}/children`).trim().split(/\s+/).filter(Boolean).map(Number),
  );
  return [pid, ...children.flatMap((child) => {
    try {
      return processTree(child);
    } catch {
      return []; // gone meanwhile
    }
  })];
}

/**
 * Which process (among `root` and its descendants) holds the TCP connection whose local port is
 * `port` on this machine: the process that opened it. Undefined when none does (or it is closed).
 */
export function socketOwner(port: number, root: number = process.pid): number | undefined {
  const inodes = inodesOfLocalPort(port);
  if (inodes.size === 0) return undefined;
  for (const pid of processTree(root)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) return pid;
    }
  }
  return undefined;
}
