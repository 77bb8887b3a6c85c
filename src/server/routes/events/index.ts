/** @module The /v1/events API area: record, list, export and fetch events. */
import type { RouteContext } from '../../context.ts';
import type { App } from '../../type-provider.ts';
import { registerExportEvents } from './export.ts';
import { registerGetEvent } from './get.ts';
import { registerListEvents } from './list.ts';
import { registerPostEvents } from './post.ts';

/** Registers every /v1/events route. */
export function registerEventRoutes(app: App, ctx: RouteContext): void {
  registerPostEvents(app, ctx);
  registerListEvents(app, ctx);
  registerExportEvents(app, ctx);
  registerGetEvent(app, ctx);
}
