// The entry of the SQLite sync thread. A worker does not inherit a loader registered through
// tsx's API (as bin/auditlog.js does), so it registers tsx itself before loading its TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./sync-worker.ts');
