// TCP sockets in LISTEN state that belong to a set of processes, read from /proc/net/tcp{,6} and
// /proc/<pid>/fd (Linux). No connection is attempted: another process or a proxy on the same port
// cannot be mistaken for the child, and IPv4 vs IPv6 is read, not guessed.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';

export interface ListeningSocket {
  /** '127.0.0.1', '0.0.0.0', '::1', '::' ... */
  address: string;
  family: 4 | 6;
  port: number;
  /** The process holding it. */
  pid: number;
}

const TCP_LISTEN = '0A';

/** Socket inodes held open by `pid` (from the fd links "socket:[inode]"). */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone, or not ours to read
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
  }
  return inodes;
}

/** /proc/net/tcp stores each 32-bit word of an address in host (little-endian) byte order. */
function wordBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = hex.length - 2; i >= 0; i -= 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

export function decodeAddress(hex: string, family: 4 | 6): string {
  if (family === 4) return wordBytes(hex).join('.');
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) bytes.push(...wordBytes(hex.slice(w * 8, w * 8 + 8)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  // Compress the longest run of zero groups.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best === -1) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** One table line: its LISTEN socket when the inode is in `owners`; 'end' once past the LISTEN part. */
function parseLine(line: string, family: 4 | 6, owners: Map<string, number>, seen?: Set<string>): ListeningSocket | 'end' | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 10 || fields[0] === 'sl') return undefined;
  if (fields[3] !== TCP_LISTEN) return 'end';
  const pid = owners.get(fields[9]!);
  if (pid === undefined) return undefined;
  seen?.add(fields[9]!);
  const [addressHex, portHex] = fields[1]!.split(':');
  return { address: decodeAddress(addressHex!, family), family, port: Number.parseInt(portHex!, 16), pid };
}

/** LISTEN sockets in one /proc/net table text whose inode is in `owners` (inode → pid). */
export function parseListenTable(table: string, family: 4 | 6, owners: Map<string, number>): ListeningSocket[] {
  const found: ListeningSocket[] = [];
  for (const line of table.split('\n')) {
    const socket = parseLine(line, family, owners);
    if (typeof socket === 'object') found.push(socket);
  }
  return found;
}

const CHUNK = 128; // less than one line: the kernel formats at most one more line per read

/**
 * Reads /proc/net/tcp{,6} a small piece at a time and stops early: the kernel lists listening
 * sockets first (its listening hash), then walks its whole established hash (about 1 ms of CPU
 * here). Stops at the first line past the LISTEN part, or once every inode in `owners` was found.
 */
function scanListenTable(name: string, family: 4 | 6, owners: Map<string, number>, seen: Set<string>): ListeningSocket[] {
  const found: ListeningSocket[] = [];
  let fd: number;
  try {
    fd = openSync(`/proc/net/${name}`, 'r');
  } catch {
    return found; // e.g. no IPv6 in this kernel
  }
  try {
    const buffer = Buffer.alloc(CHUNK);
    let pending = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      pending += buffer.toString('latin1', 0, n);
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const socket = parseLine(pending.slice(0, newline), family, owners, seen);
        pending = pending.slice(newline + 1);
        if (socket === 'end') return found;
        if (socket) {
          found.push(socket);
          if (seen.size === owners.size) return found;
        }
        newline = pending.indexOf('\n');
      }
    }
    return found;
  } finally {
    closeSync(fd);
  }
}

function readTable(name: string): string {
  try {
    return readFileSync(`/proc/net/${name}`, 'latin1');
  } catch {
    return ''; // e.g. no IPv6 in this kernel
  }
}

/** Inodes of every Unix socket on the machine (the first field after the path-less columns). */
function unixInodes(): Set<string> {
  const inodes = new Set<string>();
  const lines = readTable('unix').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const inode = lines[i]!.trim().split(/\s+/)[6];
    if (inode) inodes.add(inode);
  }
  return inodes;
}

/**
 * Every TCP LISTEN socket held by one of `pids`, checked over and over. Reading /proc/net/tcp walks
 * the kernel's whole TCP hash table (about 1 ms of CPU here), so it is read only while the tree holds
 * a socket that is not a Unix socket (a Node child's stdio socketpairs are Unix sockets: classified
 * once, from /proc/net/unix).
 */
export class ListenProbe {
  readonly #unix = new Set<string>();
  readonly #classified = new Set<string>();

  check(pids: readonly number[]): ListeningSocket[] {
    const owners = new Map<string, number>();
    for (const pid of pids) for (const inode of socketInodes(pid)) owners.set(inode, pid);
    const fresh = [...owners.keys()].filter((inode) => !this.#classified.has(inode));
    if (fresh.length > 0) {
      const unix = unixInodes();
      for (const inode of fresh) {
        this.#classified.add(inode);
        if (unix.has(inode)) this.#unix.add(inode);
      }
    }
    for (const inode of this.#unix) owners.delete(inode);
    if (owners.size === 0) return [];
    const seen = new Set<string>();
    const v4 = scanListenTable('tcp', 4, owners, seen);
    if (seen.size === owners.size) return v4;
    return [...v4, ...scanListenTable('tcp6', 6, owners, seen)];
  }
}
