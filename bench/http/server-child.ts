/**
 * @module Starts and stops the benchmark server ({@link ./server-process.ts}) in a child process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './server-process.ts';

/** A running child server. */
export interface ServerChild {
  url: string;
  pid: number;
  /** Each account's last seq, as our server's store reads it now (not the no-op server). */
  heads(accountIds: string[]): Promise<Map<string, number>>;
  /** Asks the server to close (flushing pending commits) and waits for the process to exit. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** What a message other than the one expected says went wrong. */
function failureOf(message: ChildMessage): string {
  return message.type === 'failed' ? message.message : `unexpected message "${message.type}"`;
}

/**
 * Forks a server: our app on `databaseUrl`, or the no-op baseline.
 *
 * @example
 * const server = await startServerChild({ mode: 'auditlog', databaseUrl: 'file:/tmp/x.db' });
 * try { … server.url … } finally { await server.stop(); }
 */
export async function startServerChild(options: {
  mode: 'auditlog' | 'noop';
  databaseUrl?: string;
}): Promise<ServerChild> {
  // BENCH_CPU_PROF_DIR=<dir> profiles every server the harness starts (one .cpuprofile each).
  const profile = process.env.BENCH_CPU_PROF_DIR;
  const child = fork(SCRIPT, [], {
    execArgv: ['--import', 'tsx', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    env: { ...process.env, BENCH_SERVER_MODE: options.mode, BENCH_DATABASE_URL: options.databaseUrl ?? '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.url);
      else reject(new Error(`benchmark server failed to start:\n${failureOf(message)}`));
    });
    child.once('exit', (code) => reject(new Error(`benchmark server exited early (code ${code})`)));
  });
  const ask = (message: ParentMessage) => child.send(message);
  return {
    url,
    pid: child.pid as number,
    heads(accountIds) {
      return new Promise((resolve, reject) => {
        child.once('message', (message: ChildMessage) => {
          if (message.type === 'heads') resolve(new Map(message.heads));
          else reject(new Error(`benchmark server failed to read heads:\n${failureOf(message)}`));
        });
        ask({ type: 'heads', accountIds });
      });
    },
    async stop() {
      const exited = waitForExit(child);
      ask({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`benchmark server exited with code ${code}`);
    },
  };
}
