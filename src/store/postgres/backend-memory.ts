/**
 * @module Keeps a pooled connection's server process from handing the memory a statement freed back
 * to the kernel after every statement, only to fault it in again for the next one.
 *
 * PostgreSQL allocates through glibc's malloc, which returns freed memory at the top of the heap
 * to the kernel once more than its trim threshold (128 kB at first) is free. glibc raises that
 * threshold for good, to twice the size, the first time a block large enough to have been mapped on
 * its own is freed. Until some statement does that, a backend whose statements each plan over a
 * year of partitions gives ~1.2 MB back at the end of each and takes ~300 page faults to get it
 * again: measured at 5M events, the older-months search query ran in 8.3–9.5 ms that way
 * and 4.0–5.0 ms after one such block had been freed, because a page fault is dear in a virtual
 * machine. Servers are seldom tuned for this (GLIBC_TUNABLES), so each connection does it itself.
 * The price: each server process of the pool may keep up to 8 MB it no longer uses.
 */
import type pg from 'pg';

/**
 * One block this large: above glibc's first mapping threshold (128 kB), below its ceiling (32 MB),
 * past which freeing a block raises nothing.
 */
export const WARM_UP_BYTES = 4 * 1024 * 1024;

/** Builds a WARM_UP_BYTES string in the backend and frees it with the statement. */
export const WARM_UP_SQL = `SELECT length(repeat('x', ${WARM_UP_BYTES}))`;

/**
 * The pool's `onConnect` hook: runs WARM_UP_SQL before the connection is first handed out. A
 * failure is left to the connection's first statement to report (the connection is the same).
 *
 * @example
 * const pool = new pg.Pool({ connectionString, onConnect: keepFreedMemory });
 */
export async function keepFreedMemory(client: pg.ClientBase): Promise<void> {
  await client.query(WARM_UP_SQL).catch(() => undefined);
}
