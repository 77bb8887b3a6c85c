/**
 * @module What this process made the kernel read from storage, from Linux's /proc/self/io
 * (`read_bytes`: page-cache misses, readahead included). A query that reads from disk instead of
 * the page cache waits for it, so measurement 4 counts them: on this VM the kernel drops cached
 * file pages that go unread for a few seconds, with gigabytes of memory free, and reads ahead up to
 * 8 MiB on a miss, so a query's tail is often the disk's, not the query's.
 */
import { readFileSync } from 'node:fs';

/** The `read_bytes` of a /proc/<pid>/io text, or null when it has none. */
export function parseReadBytes(ioText: string): number | null {
  const match = /^read_bytes: (\d+)$/m.exec(ioText);
  return match ? Number(match[1]) : null;
}

/** This process's `read_bytes` now, or null where /proc/self/io does not exist (not Linux). */
export function diskBytesRead(): number | null {
  try {
    return parseReadBytes(readFileSync('/proc/self/io', 'utf8'));
  } catch {
    return null;
  }
}

/** Of a series of timed operations: how many read from disk, and how much. */
export interface DiskReadTally {
  operations: number;
  bytes: number;
}

/**
 * Tallies the bytes each operation read from disk (null where they could not be counted).
 *
 * @example
 * tallyDiskReads([0, 4096, 0, 131072]); // { operations: 2, bytes: 135168 }
 */
export function tallyDiskReads(bytesPerOperation: readonly (number | null)[]): DiskReadTally | null {
  if (bytesPerOperation.some((bytes) => bytes === null)) return null;
  const reading = bytesPerOperation.filter((bytes) => (bytes as number) > 0) as number[];
  return { operations: reading.length, bytes: reading.reduce((a, b) => a + b, 0) };
}
