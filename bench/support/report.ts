/**
 * @module The benchmark report: one table on stdout, each figure beside its baseline, the ratio and
 * the target, and the same data as JSON in bench/results/<date>-<engine>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A target a figure is judged against, e.g. "ratio ≥ 0.75" or "value ≤ 800". */
export interface Target {
  /** What is compared: the figure's own value or its ratio to the baseline. */
  on: 'value' | 'ratio';
  op: '>=' | '<=';
  limit: number;
}

/** One line of the table. */
export interface Figure {
  /** Measurement number from the issue (1–7). */
  section: number;
  name: string;
  value: number | null;
  unit: string;
  baseline?: { name: string; value: number | null };
  /** All must hold for the figure to meet its targets. */
  targets?: Target[];
  /** Why a figure is missing, or what to keep in mind reading it. */
  note?: string;
}

/** A figure with what the report derives from it. */
export interface JudgedFigure extends Figure {
  ratio: number | null;
  met: boolean | null;
}

export interface Report {
  meta: Record<string, unknown>;
  figures: JudgedFigure[];
  /** Raw material per measurement: autocannon summaries, query plans, sample counts. */
  details: Record<string, unknown>;
}

/** Adds the ratio (value / baseline) and whether the target is met. */
export function judge(figure: Figure): JudgedFigure {
  const base = figure.baseline?.value;
  const ratio = figure.value !== null && base ? figure.value / base : null;
  let met: boolean | null = null;
  for (const target of figure.targets ?? []) {
    const x = target.on === 'ratio' ? ratio : figure.value;
    if (x === null || !Number.isFinite(x)) return { ...figure, ratio, met: null };
    const ok = target.op === '>=' ? x >= target.limit : x <= target.limit;
    met = (met ?? true) && ok;
  }
  return { ...figure, ratio, met };
}

function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = value >= 1000 ? 0 : value >= 100 ? 1 : value >= 10 ? 2 : 3;
  const n = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return `${n} ${unit}`;
}

function formatTargets(targets: readonly Target[] | undefined, unit: string): string {
  return (targets ?? [])
    .map((target) => {
      const op = target.op === '>=' ? '≥' : '≤';
      return target.on === 'ratio' ? `ratio ${op} ${target.limit}` : `${op} ${target.limit} ${unit}`;
    })
    .join(', ');
}

/**
 * Renders the figures as one aligned text table.
 *
 * @example
 * console.log(renderTable([judge({ section: 6, name: 'bytes/event', value: 700, unit: 'B' })]));
 */
export function renderTable(figures: readonly JudgedFigure[]): string {
  const header = ['#', 'measurement', 'ours', 'baseline', 'baseline value', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    String(f.section),
    f.name,
    formatValue(f.value, f.unit),
    f.baseline?.name ?? '',
    f.baseline ? formatValue(f.baseline.value, f.unit) : '',
    f.ratio === null ? '' : `${f.ratio.toFixed(2)}×`,
    formatTargets(f.targets, f.unit),
    f.met === null ? (f.targets?.length ? '?' : '') : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const notes = figures
    .filter((f) => f.note)
    .map((f) => `  [${f.section}] ${f.name}: ${f.note}`)
    .join('\n');
  return [line(header), rule, ...rows.map(line), notes ? `\nNotes:\n${notes}` : ''].join('\n');
}

/** Writes the report as bench/results/<date>-<engine>.json (or `file`) and returns the path. */
export function writeReport(report: Report, dir: string, engine: string, file?: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const path = file ?? join(dir, `${stamp}-${engine}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
