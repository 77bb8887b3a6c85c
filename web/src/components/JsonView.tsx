/**
 * @module A JSON viewer: collapsible objects and arrays, a Copy button, and values that were
 * redacted before storage shown as badges (removed, or replaced by a keyed hash).
 */
import { useState } from 'react';
import { redactionOf } from '../lib/json.ts';

/** One scalar, with redacted values marked. */
export function JsonScalar({ value }: { value: unknown }) {
  const redaction = redactionOf(value);
  if (redaction === 'removed') {
    return (
      <span className="redacted" title="This value was removed before storage">
        [REDACTED]
      </span>
    );
  }
  if (redaction === 'hashed') {
    const digest = String(value).slice('[HMAC-SHA256:'.length, -1);
    return (
      <span className="redacted" title={`Replaced by a keyed hash before storage: ${digest}`}>
        HMAC-SHA256 <span className="digest">{digest.length > 16 ? `${digest.slice(0, 16)}…` : digest}</span>
      </span>
    );
  }
  if (typeof value === 'string') return <span className="json-string">"{value}"</span>;
  if (value === null || value === undefined) return <span className="json-null">null</span>;
  return <span className={`json-${typeof value}`}>{String(value)}</span>;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const key = name !== null && <span className="json-key">{name}: </span>;
  if (!isContainer(value)) {
    return (
      <li>
        {key}
        <JsonScalar value={value} />
      </li>
    );
  }
  const entries = Object.entries(value);
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <li>
        {key}
        <span className="json-punct">{brackets.join('')}</span>
      </li>
    );
  }
  return (
    <li>
      <details open={depth < 3}>
        <summary>
          {key}
          <span className="json-punct">
            {brackets[0]}
            {entries.length} {Array.isArray(value) ? 'items' : entries.length === 1 ? 'key' : 'keys'}
            {brackets[1]}
          </span>
        </summary>
        <ul className="json-children">
          {entries.map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </ul>
      </details>
    </li>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Denied (no permission, insecure context): fall through to the selection-based copy.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** A titled JSON block with a Copy button. */
export function JsonView({ title, value }: { title: string; value: unknown }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await copyText(JSON.stringify(value, null, 2));
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <section className="json-block" aria-label={title}>
      <div className="json-header">
        <h3>{title}</h3>
        <button type="button" className="button button-small" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <span className="visually-hidden" aria-live="polite">
          {copied ? `${title} copied` : ''}
        </span>
      </div>
      <ul className="json-tree">
        <JsonNode name={null} value={value} depth={0} />
      </ul>
    </section>
  );
}
