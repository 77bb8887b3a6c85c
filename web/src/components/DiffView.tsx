/** @module The before/after view of a changed resource: one row per changed leaf. */
import { diffJson } from '../lib/json.ts';
import { JsonScalar } from './JsonView.tsx';

function Value({ value }: { value: unknown }) {
  if (value === undefined) return <span className="muted">absent</span>;
  if (typeof value === 'object' && value !== null) return <code>{JSON.stringify(value)}</code>;
  return <JsonScalar value={value} />;
}

/** A table of what changed between `before` and `after`. */
export function DiffView({ before, after }: { before: unknown; after: unknown }) {
  const changes = diffJson(before, after);
  return (
    <section className="diff" aria-labelledby="diff-title">
      <h3 id="diff-title">Changes</h3>
      {changes.length === 0 ? (
        <p className="muted">No differences between before and after.</p>
      ) : (
        <table className="diff-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.path} className={`diff-${change.kind}`}>
                <th scope="row">
                  <code>{change.path}</code>
                  <span className="visually-hidden"> ({change.kind})</span>
                </th>
                <td>
                  <Value value={change.before} />
                </td>
                <td>
                  <Value value={change.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
