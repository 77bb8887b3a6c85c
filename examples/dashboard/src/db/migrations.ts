/**
 * @module The dashboard database's numbered migrations. Applied in order, each once, tracked with
 * SQLite's `user_version`; never edit a shipped migration, add the next one.
 */

/** Migration N is at index N - 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'member', 'auditor')),
    status TEXT NOT NULL CHECK (status IN ('active', 'invited')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  -- Credentials are kept (the CDN needs them to fetch from the origin) but never sent back out.
  CREATE TABLE origins (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    bucket TEXT NOT NULL,
    prefix TEXT NOT NULL,
    region TEXT,
    credentials TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE url_endpoints (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url_prefix TEXT NOT NULL UNIQUE,
    origin_ids TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  -- Singleton settings documents: performance, billing, settings.
  CREATE TABLE documents (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  -- Only a sha256 of the private key is kept: it is shown once, at creation.
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL UNIQUE,
    private_key_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );

  CREATE TABLE purge_requests (
    id TEXT PRIMARY KEY,
    urls TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime_type TEXT,
    tags TEXT NOT NULL,
    metadata TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (folder, name)
  );

  CREATE TABLE file_versions (
    id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    size INTEGER NOT NULL,
    content BLOB,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- A deleted version keeps its row (without its bytes) so its number is never handed out again.
    deleted_at TEXT,
    UNIQUE (file_id, number)
  );

  CREATE TABLE file_shares (
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (file_id, user_id)
  );

  CREATE TABLE public_links (
    id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX public_links_by_file ON public_links (file_id, revoked_at);

  CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, file_id)
  );
  `,
];
