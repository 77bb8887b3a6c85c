/**
 * @module @auditlog/example-dashboard: an ImageKit-like control-plane API audited with
 * @auditlog/client, and a scripted day of use to fill an Audit Logs page.
 */

export { createDashboardApp, type DashboardOptions } from './app.ts';
export type { AuditlogOptions, AuditTarget } from './audit.ts';
export { type DayOptions, type DaySummary, runDayInTheLife } from './day-in-the-life.ts';
export { SEED_USERS } from './db/seed.ts';
export { type RunningDashboard, type StartOptions, startDashboard } from './server.ts';
