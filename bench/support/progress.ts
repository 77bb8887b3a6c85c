/**
 * @module A progress line on stderr: counts and rate, rewritten in place on a terminal and printed
 * every few seconds otherwise (CI logs), so long loads show they are alive without a dependency.
 */

/** Reports the progress of one phase. */
export interface Progress {
  /** Adds `n` done units (events, requests, queries). */
  advance(n: number): void;
  /** Prints the final line of the phase. */
  done(note?: string): void;
}

const RENDER_EVERY_MS = 250;
const LOG_EVERY_MS = 5000;

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/**
 * Starts a progress line for a phase of `total` units (0 when unknown).
 *
 * @example
 * const progress = startProgress('store ingest', 1e6, 'events');
 * progress.advance(500);
 * progress.done();
 */
export function startProgress(
  label: string,
  total: number,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = performance.now();
  const interactive = stream.isTTY === true;
  let count = 0;
  let lastRender = 0;
  const line = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    const of = total > 0 ? `/${compact(total)}` : '';
    return `[${label}] ${compact(count)}${of} ${unit}  ${compact(rate)}/s  ${seconds.toFixed(1)}s`;
  };
  return {
    advance(n) {
      count += n;
      const now = performance.now();
      if (now - lastRender < (interactive ? RENDER_EVERY_MS : LOG_EVERY_MS)) return;
      lastRender = now;
      stream.write(interactive ? `\r\x1b[2K${line()}` : `${line()}\n`);
    },
    done(note) {
      const suffix = note ? `  ${note}` : '';
      stream.write(interactive ? `\r\x1b[2K${line()}${suffix}\n` : `${line()}${suffix}\n`);
    },
  };
}

/** A one-off status message on stderr, e.g. "starting PostgreSQL". */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
