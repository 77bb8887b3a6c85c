/**
 * @module A searchable multi-select: a button that opens a panel of grouped checkboxes with a
 * search box. Checkboxes keep it accessible without ARIA listbox gymnastics; a group can be
 * chosen whole with its "All …" box.
 */
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';

/** One choice; `hint` is searched and shown in smaller type (an email, an id). */
export interface Option {
  value: string;
  label: string;
  hint?: string;
}

/** Options under an optional heading. */
export interface OptionGroup {
  label?: string;
  options: Option[];
}

/** Props of {@link MultiSelect}. */
export interface MultiSelectProps {
  label: string;
  /** Plural noun for the summary and the search box: "users", "operation types". */
  noun: string;
  groups: OptionGroup[];
  selected: string[];
  onChange: (values: string[]) => void;
  /** Shown instead of options while they load or when they failed. */
  status?: string;
}

function matches(option: Option, group: OptionGroup, query: string): boolean {
  if (!query) return true;
  const text = `${option.label} ${option.hint ?? ''} ${group.label ?? ''}`.toLowerCase();
  return text.includes(query.toLowerCase());
}

function summary(groups: OptionGroup[], selected: string[], noun: string): string {
  if (selected.length === 0) return `All ${noun}`;
  if (selected.length > 1) return `${selected.length} ${noun}`;
  for (const group of groups) {
    const option = group.options.find((o) => o.value === selected[0]);
    if (option) return group.label ? `${group.label} · ${option.label}` : option.label;
  }
  return selected[0]!;
}

/** The multi-select. Escape or clicking outside closes it and keeps the choice. */
export function MultiSelect({ label, noun, groups, selected, onChange, status }: MultiSelectProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const chosen = new Set(selected);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const toggle = (values: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const value of values) {
      if (on) next.add(value);
      else next.delete(value);
    }
    onChange([...next]);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    // One Escape closes this popup, not the details panel behind it.
    event.stopPropagation();
    event.preventDefault();
    setOpen(false);
    button.current?.focus();
  };
  const visible = groups
    .map((group) => ({ ...group, options: group.options.filter((o) => matches(o, group, query)) }))
    .filter((group) => group.options.length > 0);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape bubbles up from the controls inside
    <div className="field multiselect" ref={root} onKeyDown={onKeyDown}>
      <span className="field-label" id={`${id}-label`}>
        {label}
      </span>
      <button
        ref={button}
        id={`${id}-button`}
        type="button"
        className="select-button"
        aria-expanded={open}
        aria-controls={`${id}-popup`}
        aria-labelledby={`${id}-label ${id}-button`}
        title={selected.length > 1 ? selected.join(', ') : undefined}
        onClick={() => setOpen(!open)}
      >
        {summary(groups, selected, noun)}
      </button>
      {open && (
        <div className="popover" id={`${id}-popup`}>
          <input
            type="search"
            className="input"
            aria-label={`Search ${noun}`}
            placeholder={`Search ${noun}`}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the user just asked for this popup by pressing its button
            autoFocus
          />
          <div className="options">
            {status && <p className="muted">{status}</p>}
            {!status && visible.length === 0 && (
              <p className="muted">
                No {noun} match “{query}”
              </p>
            )}
            {visible.map((group) => (
              <OptionGroupBox key={group.label ?? ''} group={group} chosen={chosen} toggle={toggle} />
            ))}
          </div>
          <div className="popover-footer">
            <button type="button" className="link-button" onClick={() => onChange([])}>
              Clear selection
            </button>
            <button type="button" className="button" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function OptionGroupBox({
  group,
  chosen,
  toggle,
}: {
  group: OptionGroup;
  chosen: Set<string>;
  toggle: (values: string[], on: boolean) => void;
}) {
  const values = group.options.map((o) => o.value);
  const count = values.filter((v) => chosen.has(v)).length;
  const items = group.options.map((option) => (
    <label key={option.value} className="option">
      <input
        type="checkbox"
        checked={chosen.has(option.value)}
        onChange={(event) => toggle([option.value], event.target.checked)}
      />
      <span className="option-text">
        <span>{option.label}</span>
        {option.hint && <span className="hint">{option.hint}</span>}
      </span>
    </label>
  ));
  if (!group.label) return <div className="option-group">{items}</div>;
  return (
    <fieldset className="option-group">
      <legend>{group.label}</legend>
      <label className="option option-all">
        <input
          type="checkbox"
          checked={count === values.length}
          ref={(el) => {
            if (el) el.indeterminate = count > 0 && count < values.length;
          }}
          onChange={(event) => toggle(values, event.target.checked)}
        />
        <span>All {group.label}</span>
      </label>
      {items}
    </fieldset>
  );
}
