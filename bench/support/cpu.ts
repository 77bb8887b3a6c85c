/**
 * @module CPU time of a process, read from /proc (Linux): what each process of a measurement spends
 * per unit of work, on a machine whose cores they share.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ): 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100;

/**
 * User plus system CPU seconds `pid` has used so far, or null once it is gone. Granularity 10 ms:
 * meant for spans of seconds.
 */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis don't.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of each PostgreSQL backend serving `database` on this machine (their
 * process titles read `postgres: <user> <database> <client> <state>`), by pid.
 */
export function postgresBackendsCpu(database: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!title.startsWith('postgres: ') || title.split(' ')[2] !== database) continue;
    const seconds = cpuSeconds(pid);
    if (seconds !== null) byPid.set(pid, seconds);
  }
  return byPid;
}

/**
 * CPU seconds the backends of `after` used since `before` (a backend absent from `before` counts
 * whole). A backend that exited in between is missed: the figure is a lower bound.
 */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}
