/**
 * @module The filter form. It edits a draft; Submit writes the draft to the URL (one history entry
 * per applied view), Clear filters goes back to the bare tab. Users and operation types load on
 * their own, so the table never waits for them.
 */
import { type FormEvent, useState } from 'react';
import type { Stream } from '../../../src/events/catalog.ts';
import type { Actor } from '../../../src/events/schema.ts';
import { humanize, typeGroups } from '../lib/catalog.ts';
import type { Filters } from '../lib/filters.ts';
import { useActors, useCatalog } from '../lib/queries.ts';
import { endToInput, inputToEnd, inputToStart, startToInput } from '../lib/time.ts';
import { MultiSelect, type OptionGroup } from './MultiSelect.tsx';

/** Props of {@link FilterBar}. */
export interface FilterBarProps {
  stream: Stream;
  applied: Filters;
  onSubmit: (filters: Filters) => void;
  onClear: () => void;
}

function actorGroups(actors: Actor[] | undefined, selected: string[]): OptionGroup[] {
  const options = (actors ?? []).map((actor) => ({
    value: actor.id,
    label: actor.name ?? actor.email ?? actor.id,
    hint: [actor.name ? actor.email : undefined, actor.id].filter(Boolean).join(' · '),
  }));
  // A user chosen in a shared link may not be listed (yet): keep them visible so they can be unticked.
  const known = new Set(options.map((o) => o.value));
  for (const id of selected) if (!known.has(id)) options.push({ value: id, label: id, hint: 'id' });
  return [{ options }];
}

function typeOptionGroups(groups: OptionGroup[], selected: string[]): OptionGroup[] {
  const known = new Set(groups.flatMap((g) => g.options.map((o) => o.value)));
  const unknown = selected.filter((v) => !known.has(v));
  if (unknown.length === 0) return groups;
  const options = unknown.map((value) => ({ value, label: humanize(value.replace('.', ' · ')) }));
  return [...groups, { label: 'Other', options }];
}

/** The form above the table. */
export function FilterBar({ stream, applied, onSubmit, onClear }: FilterBarProps) {
  const [draft, setDraft] = useState(applied);
  const [start, setStart] = useState(startToInput(applied.from));
  const [end, setEnd] = useState(endToInput(applied.to));
  const actors = useActors(stream);
  const catalog = useCatalog();
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft({ ...draft, [key]: value });

  const from = inputToStart(start);
  const to = inputToEnd(end);
  const rangeError = from && to && to <= from ? 'The end date must be after the start date.' : '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!rangeError) onSubmit({ ...draft, from, to });
  };
  const media = stream === 'media';

  return (
    <form className="filters" aria-label="Filter events" onSubmit={submit}>
      <MultiSelect
        label="Users"
        noun="users"
        groups={actorGroups(actors.data, draft.actors)}
        selected={draft.actors}
        onChange={(values) => set('actors', values)}
        status={
          actors.isPending ? 'Loading users…' : actors.isError ? 'Users could not be loaded.' : undefined
        }
      />
      <MultiSelect
        label="Operation types"
        noun="operation types"
        groups={typeOptionGroups(typeGroups(catalog.data, stream), draft.types)}
        selected={draft.types}
        onChange={(values) => set('types', values)}
        status={
          catalog.isPending
            ? 'Loading…'
            : catalog.isError
              ? 'Operation types could not be loaded.'
              : undefined
        }
      />
      <label className="field">
        <span className="field-label">Start date</span>
        <input
          className="input"
          type="datetime-local"
          value={start}
          onChange={(event) => setStart(event.target.value)}
        />
      </label>
      <label className="field">
        <span className="field-label">End date</span>
        <input
          className="input"
          type="datetime-local"
          value={end}
          aria-invalid={rangeError ? true : undefined}
          aria-describedby={rangeError ? 'range-error' : undefined}
          onChange={(event) => setEnd(event.target.value)}
        />
      </label>
      <label className="field">
        <span className="field-label">Status</span>
        <select
          className="input"
          value={draft.status}
          onChange={(event) => set('status', event.target.value as Filters['status'])}
        >
          <option value="">Any status</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
        </select>
      </label>
      <label className="field field-wide">
        <span className="field-label">Search</span>
        <input
          className="input"
          type="search"
          placeholder={media ? 'Path, file, user…' : 'Path, target, user…'}
          value={draft.q}
          onChange={(event) => set('q', event.target.value)}
        />
      </label>
      {media && (
        <>
          <label className="field field-wide">
            <span className="field-label">Asset path</span>
            <input
              className="input"
              placeholder="/products/shoe.jpg"
              value={draft.targetPath}
              onChange={(event) => set('targetPath', event.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">Request ID</span>
            <input
              className="input"
              value={draft.requestId}
              onChange={(event) => set('requestId', event.target.value)}
            />
          </label>
        </>
      )}
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          Submit
        </button>
        <button type="button" className="button" onClick={onClear}>
          Clear filters
        </button>
      </div>
      {rangeError && (
        <p id="range-error" className="field-error" role="alert">
          {rangeError}
        </p>
      )}
    </form>
  );
}
