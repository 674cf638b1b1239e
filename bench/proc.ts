/**
 * What /proc tells about a process (Linux; elsewhere every reading is null): resident memory,
 * CPU time, and the Temporal dev server this process started (its own child).
 */
import fs from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface MemoryReading {
  /** VmRSS: resident now. */
  rssMb: number;
  /** VmHWM: the highest resident size since the process started. */
  peakRssMb: number;
}

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Null elsewhere than Linux, or once the process is gone. */
export function readMemory(pid: number): MemoryReading | null {
  const status = read(`/proc/${pid}/status`);
  if (status === null) return null;
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  if (!Number.isFinite(rss) || !Number.isFinite(hwm)) return null;
  return { rssMb: rss / 1024, peakRssMb: hwm / 1024 };
}

/** `pid (comm) state ppid … utime stime …`: comm may hold spaces, so fields count from its ")". */
function statFields(pid: number | string): { comm: string; fields: string[] } | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const close = stat.lastIndexOf(')');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** User + system CPU time of a process so far, ms. */
export function readCpuMs(pid: number): number | null {
  const stat = statFields(pid);
  if (!stat) return null;
  // After ")": state(0) ppid(1) … utime(11) stime(12).
  return ((Number(stat.fields[11]) + Number(stat.fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The pid of this process's child named `comm` (e.g. the `temporal` dev server it spawned). */
export function findOwnChild(comm: string): number | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(entry);
    if (stat?.comm === comm && Number(stat.fields[1]) === process.pid) return Number(entry);
  }
  return null;
}
