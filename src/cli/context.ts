/**
 * @module What every CLI command needs: the validated configuration (environment plus command-line
 * overrides) and a store opened on it, closed again however the command ends.
 */
import { type Config, loadConfig } from '../config.ts';
import { openStore } from '../store/open-store.ts';
import type { MigrationStep, Store } from '../store/types.ts';

/** Options every command accepts, mapped onto the configuration. */
export interface GlobalOptions {
  databaseUrl?: string;
}

/** Loads the configuration with command-line overrides applied on top of the environment. */
export function configFrom(options: GlobalOptions & Partial<Config>): Config {
  const overrides: Partial<Config> = {};
  if (options.databaseUrl) overrides.databaseUrl = options.databaseUrl;
  if (options.port !== undefined) overrides.port = options.port;
  if (options.host !== undefined) overrides.host = options.host;
  return loadConfig(process.env, overrides);
}

/** Opens the store (migrations applied), runs `work`, and always closes the store. */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  // A one-shot command appends a few events at most: not worth starting a writer thread for.
  const store = await openStore(config.databaseUrl, {
    writerThread: false,
    onMigrationStep: reportSchemaUpgrade(),
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Says on stderr which migration an existing database is being brought through, before it runs:
 * one that rebuilds an index takes minutes on millions of events, and a silent start looks hung.
 * A new database's first migrations are quick and not worth a line each, so they pass unsaid.
 */
export function reportSchemaUpgrade(): (step: MigrationStep) => void {
  let upgrading: boolean | undefined;
  return (step) => {
    upgrading ??= step.version > 1;
    if (upgrading)
      console.error(
        `upgrading the database schema: migration ${step.version} (${step.name}); this can take minutes on a large database`,
      );
  };
}
