/** @module Registers every API area of the dashboard. */

import { billingRoutes } from './billing.ts';
import type { DashboardApp, RouteDeps } from './common.ts';
import { developerOptionsRoutes } from './developer-options.ts';
import { externalStorageRoutes } from './external-storage.ts';
import { mediaCollectionRoutes } from './media-collections.ts';
import { mediaFileRoutes } from './media-files.ts';
import { mediaSharingRoutes } from './media-sharing.ts';
import { mediaVersionRoutes } from './media-versions.ts';
import { performanceCenterRoutes } from './performance-center.ts';
import { purgeCacheRoutes } from './purge-cache.ts';
import { settingsRoutes } from './settings.ts';
import { urlEndpointRoutes } from './url-endpoints.ts';
import { userManagementRoutes } from './user-management.ts';

/** The eight dashboard areas, then the Media Library. */
const AREAS = [
  externalStorageRoutes,
  urlEndpointRoutes,
  performanceCenterRoutes,
  developerOptionsRoutes,
  userManagementRoutes,
  billingRoutes,
  settingsRoutes,
  purgeCacheRoutes,
  mediaFileRoutes,
  mediaSharingRoutes,
  mediaVersionRoutes,
  mediaCollectionRoutes,
];

/** Registers all routes on `app`. */
export function registerRoutes(app: DashboardApp, deps: RouteDeps): void {
  for (const area of AREAS) area(app, deps);
}
