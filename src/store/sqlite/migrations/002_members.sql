-- 002_members: the members of accounts (synced from the host product) and named service secrets.

-- A member id is the host product's and unique only within its account, hence the composite key.
CREATE TABLE members (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  id TEXT NOT NULL,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'auditor', 'developer', 'member')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

-- Secrets the service generates once (e.g. the key that signs viewer tokens). First writer wins.
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
