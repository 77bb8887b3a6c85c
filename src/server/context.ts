/** @module What every route module is handed: the app's dependencies, created once in createApp. */
import type { Recorder } from '../access/recorder.ts';
import type { ViewerDeps } from '../access/viewers.ts';
import type { Config } from '../config.ts';
import type { Catalog } from '../events/catalog.ts';
import type { Ingestor } from '../ingest/pipeline.ts';
import type { Store } from '../store/types.ts';
import type { Guards } from './auth.ts';
import type { CredentialCache } from './credential-cache.ts';

/** The dependencies routes use; nothing is imported as a global. */
export interface RouteContext {
  store: Store;
  config: Config;
  catalog: Catalog;
  ingestor: Ingestor;
  /** The onRequest guards of each kind of route: authentication, policies, feature gate, rate limit. */
  guards: Guards;
  /** Records Auditlog's own events (settings, members, reads) through the ingest committer. */
  recorder: Recorder;
  /** Minting and verifying viewer tokens. */
  viewers: ViewerDeps;
  /** The ingest guard's cached key records and accounts; a route that changes an account forgets it. */
  credentials: CredentialCache;
}
