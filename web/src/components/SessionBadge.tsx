/**
 * @module Who is signed in, top right: the member's name, email and role, with when the session
 * ends in the tooltip. A server key has no member, so it shows nothing (keys work as they always did).
 */
import type { SessionView } from '../lib/session.ts';
import { roleLabel } from '../lib/session.ts';
import { localTime } from '../lib/time.ts';

/** The signed-in member, or nothing for a key or while the session is unknown. */
export function SessionBadge({ session }: { session: SessionView | undefined }) {
  const member = session?.member;
  if (!member) return null;
  const ends = session.expiresAt ? `Session ends ${localTime(session.expiresAt)}` : undefined;
  return (
    <section className="session" aria-label="Signed in as" title={ends}>
      <span className="session-who">
        <span className="session-name">{member.name}</span>
        <span className="session-email">{member.email}</span>
      </span>
      <span className="role">{roleLabel(member.role)}</span>
    </section>
  );
}
