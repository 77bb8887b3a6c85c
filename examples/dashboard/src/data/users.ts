/** @module SQL for the account's people: the seeded cast and everyone invited since. */
import type Database from 'better-sqlite3';
import type { Role } from '../policy.ts';

/** A person in the account. `invited` users exist but have not signed in yet. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'invited';
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = `id, email, name, role, status, created_at AS createdAt, updated_at AS updatedAt`;

/** The users repository over an open database. */
export function createUserRepository(db: Database.Database) {
  const byId = db.prepare<[string], User>(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
  const byEmail = db.prepare<[string], User>(`SELECT ${COLUMNS} FROM users WHERE email = ?`);
  const all = db.prepare<[], User>(`SELECT ${COLUMNS} FROM users ORDER BY created_at, id`);
  const owners = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM users WHERE role = 'owner'`);
  return {
    get: (id: string): User | null => byId.get(id) ?? null,
    findByEmail: (email: string): User | null => byEmail.get(email) ?? null,
    list: (): User[] => all.all(),
    countOwners: (): number => owners.get()!.n,
    insert(user: User): User {
      db.prepare(
        `INSERT INTO users (id, email, name, role, status, created_at, updated_at)
         VALUES (@id, @email, @name, @role, @status, @createdAt, @updatedAt)`,
      ).run(user);
      return user;
    },
    updateRole(id: string, role: Role, at: string): User | null {
      db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?').run(role, at, id);
      return byId.get(id) ?? null;
    },
    remove: (id: string): boolean => db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0,
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
