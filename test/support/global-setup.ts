/**
 * @module Vitest global setup. Starts a private PostgreSQL server for the suites that need one and
 * exposes its URL as AUDITLOG_TEST_PG_URL. (Owned by the PostgreSQL store work; placeholder.)
 */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
