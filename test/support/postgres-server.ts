/**
 * @module A private, throw-away PostgreSQL cluster (initdb + pg_ctl in a temp dir) for tests and
 * benchmarks. No Docker, no downloads: it drives the server binaries the Debian package installed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running private cluster. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth, superuser). */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (`pg_ctl -m fast stop`) and removes its directory. */
  stop(): Promise<void>;
  /** The same, blocking: for a process `exit` handler, where nothing asynchronous runs any more. */
  stopSync(): void;
}

export interface StartPostgresOptions {
  /**
   * Relax durability (fsync, synchronous_commit, full_page_writes off) for speed. Tests may;
   * benchmarks must not, or they measure a database that loses data on power failure.
   */
  relaxDurability?: boolean;
}

/** The bin directory of the highest installed PostgreSQL major version. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  const newest = versions.at(-1);
  if (!newest) {
    throw new Error(`PostgreSQL server binaries not found under ${root} (apt-get install postgresql)`);
  }
  return join(root, newest, 'bin');
}

/** A TCP port nobody listens on right now: the kernel picks it when we bind port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

/** The command line of a server binary: as the `postgres` user when we are root (initdb refuses root). */
function asOwner(binary: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

async function runAsOwner(binary: string, args: string[]): Promise<void> {
  const [command, argv] = asOwner(binary, args);
  await run(command, argv, { timeout: 120_000 });
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '(no server log)';
  }
}

function chownToPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (!passwd) throw new Error('running as root but there is no postgres user to own the cluster');
  chownSync(dir, Number(passwd[2]), Number(passwd[3]));
}

/**
 * Creates and starts a private cluster on a free port, listening on 127.0.0.1 and on a Unix socket
 * inside its own directory. Throws, with the server log, when it cannot start.
 *
 * @example
 * const pg = await startPostgres({ relaxDurability: true });
 * try { ... pg.url ... } finally { await pg.stop(); }
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const dataDir = mkdtempSync(join(tmpdir(), 'auditlog-pg-'));
  const logFile = join(dataDir, 'server.log');
  chownToPostgres(dataDir);
  const pgCtl = join(bin, 'pg_ctl');
  try {
    await runAsOwner(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
    ]);
    const port = await freePort();
    const relaxed = options.relaxDurability
      ? ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
      : '';
    const serverOptions = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1${relaxed}`;
    await runAsOwner(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
    const stopArgs = ['-D', dataDir, '-m', 'fast', '-w', 'stop'];
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      async stop() {
        try {
          await runAsOwner(pgCtl, stopArgs);
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
      stopSync() {
        try {
          const [command, argv] = asOwner(pgCtl, stopArgs);
          execFileSync(command, argv, { timeout: 60_000, stdio: 'ignore' });
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    const log = readLog(logFile);
    rmSync(dataDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`PostgreSQL could not start: ${reason}\n--- server log ---\n${log}`, { cause: error });
  }
}
