/** @module What every route module is handed: the app's dependencies, created once in createApp. */
import type { Config } from '../config.ts';
import type { Catalog } from '../events/catalog.ts';
import type { Ingestor } from '../ingest/pipeline.ts';
import type { Store } from '../store/types.ts';

/** The dependencies routes use; nothing is imported as a global. */
export interface RouteContext {
  store: Store;
  config: Config;
  catalog: Catalog;
  ingestor: Ingestor;
}
