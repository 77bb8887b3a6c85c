/**
 * @module The demo account's starting state: five people with five roles, default settings
 * documents and the default URL endpoint every new account has. Written once, when the database is
 * created, so a restart keeps whatever the demo changed.
 */
import type Database from 'better-sqlite3';
import type { Role } from '../policy.ts';

/** A seeded user. The ids are what `X-Demo-User` carries. */
export interface SeedUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** The cast of the demo. */
export const SEED_USERS: readonly SeedUser[] = [
  { id: 'usr_alice', email: 'alice@example.com', name: 'Alice Owner', role: 'owner' },
  { id: 'usr_bob', email: 'bob@example.com', name: 'Bob Admin', role: 'admin' },
  { id: 'usr_carol', email: 'carol@example.com', name: 'Carol Developer', role: 'developer' },
  { id: 'usr_dave', email: 'dave@example.com', name: 'Dave Member', role: 'member' },
  { id: 'usr_erin', email: 'erin@example.com', name: 'Erin Auditor', role: 'auditor' },
];

/** The id of the URL endpoint every account starts with. */
export const DEFAULT_ENDPOINT_ID = 'ep_default';

/** Default documents, keyed by name. */
export const DEFAULT_DOCUMENTS = {
  performance: {
    imageQuality: 80,
    formats: { webp: true, avif: false, png8: false },
    caching: { browserTtlSeconds: 86_400, cdnTtlSeconds: 2_592_000 },
    lossless: false,
  },
  billing: { companyName: '', address: null, vatId: null, cardLast4: null, cardBrand: null },
  settings: {
    accountName: 'Acme Images',
    security: { enforce2fa: false, sessionTimeoutMinutes: 720, allowedIpRanges: [] as string[] },
  },
};

/** Writes the seed rows into a freshly migrated database. */
export function seed(db: Database.Database, now: string): void {
  const user = db.prepare(
    `INSERT INTO users (id, email, name, role, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'active', ?, ?)`,
  );
  for (const u of SEED_USERS) user.run(u.id, u.email, u.name, u.role, now, now);
  const doc = db.prepare('INSERT INTO documents (name, body, updated_at) VALUES (?, ?, ?)');
  for (const [name, body] of Object.entries(DEFAULT_DOCUMENTS)) doc.run(name, JSON.stringify(body), now);
  db.prepare(
    `INSERT INTO url_endpoints (id, name, url_prefix, origin_ids, settings, created_at, updated_at)
     VALUES (?, 'Default', '', '[]', ?, ?, ?)`,
  ).run(DEFAULT_ENDPOINT_ID, JSON.stringify({ imageOptimization: true, signedUrls: false }), now, now);
}
