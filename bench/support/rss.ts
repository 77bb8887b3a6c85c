/**
 * @module Resident memory of a process, read from /proc (Linux) so the benchmark can watch a child
 * server's memory from outside without instrumenting it.
 */
import { readFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `intervalMs`; `stop()` returns the peak seen, in bytes. */
export interface RssSampler {
  stop(): { peakBytes: number; samples: number; highWaterMarkBytes: number | null };
}

/**
 * Starts sampling the RSS of `pid` (the kernel's high-water mark VmHWM is reported too: it also
 * catches spikes shorter than the interval, but includes everything since the process started).
 *
 * @example
 * const sampler = sampleRss(child.pid);
 * await work();
 * sampler.stop().peakBytes;
 */
export function sampleRss(pid: number, intervalMs = 50): RssSampler {
  let peak = statusField(pid, 'VmRSS') ?? 0;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = statusField(pid, 'VmRSS');
    if (rss === null) return;
    samples++;
    if (rss > peak) peak = rss;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const last = statusField(pid, 'VmRSS');
      if (last !== null && last > peak) peak = last;
      return { peakBytes: peak, samples, highWaterMarkBytes: statusField(pid, 'VmHWM') };
    },
  };
}
