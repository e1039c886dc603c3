/** The result rows every section returns, the printed table and the JSON file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { round, roundSummary, type Summary } from './stats';

export interface Row {
  section: string;
  name: string;
  /** Raw latency of the measured thing (ms). */
  measured?: Summary;
  /** Raw latency of its floor (ms). */
  floor?: Summary;
  /** The headline figure: a ratio, a difference or a rate, already in `unit`. */
  value: number;
  unit: 'x' | 'ms' | 'req/s' | 'KB' | 'errors' | 'calls';
  /** `max`: the value must stay at or below it (below, when strict); `min`: at or above (above, when strict). */
  goal?: { max?: number; min?: number; strict?: boolean; text: string };
  note?: string;
}

export interface SectionResult {
  rows: Row[];
  /** Everything else worth keeping in the JSON (raw summaries, settings, sample counts). */
  details: Record<string, unknown>;
}

export function ratioRow(section: string, name: string, measured: Summary, floor: Summary, goalMax?: number, note?: string): Row {
  return {
    section,
    name,
    measured: roundSummary(measured),
    floor: roundSummary(floor),
    value: round(measured.p50 / floor.p50),
    unit: 'x',
    goal: goalMax === undefined ? undefined : { max: goalMax, text: `<= ${goalMax}` },
    note,
  };
}

export function goalMet(row: Row): boolean | undefined {
  const goal = row.goal;
  if (!goal) return undefined;
  if (Number.isNaN(row.value)) return false;
  if (goal.max !== undefined && !(goal.strict ? row.value < goal.max : row.value <= goal.max)) return false;
  if (goal.min !== undefined && !(goal.strict ? row.value > goal.min : row.value >= goal.min)) return false;
  return true;
}

/**
 * Whether a quick run can judge the row: counts (errors, completed requests) are facts at any
 * sample size; ratios and latency differences from a handful of samples are only indicative.
 */
export function judgedInQuickMode(row: Row): boolean {
  return row.unit === 'errors' || row.unit === 'calls' || row.unit === 'req/s';
}

/** The verdict column: yes / NO, or "indicative" for a quick run's ratio rows. */
export function verdict(row: Row, quick = false): string {
  const met = goalMet(row);
  if (met === undefined) return '';
  if (quick && !judgedInQuickMode(row)) return 'indicative';
  return met ? 'yes' : 'NO';
}

/** The closing line: goals met and missed, leaving a quick run's ratios unjudged. */
export function goalSummary(rows: readonly Row[], quick = false): string {
  const judged = rows.filter((row) => goalMet(row) !== undefined && (!quick || judgedInQuickMode(row)));
  const missed = judged.filter((row) => goalMet(row) === false);
  const unjudged = rows.filter((row) => goalMet(row) !== undefined).length - judged.length;
  const head = `Goals met: ${judged.length - missed.length}, missed: ${missed.length}${missed.length ? ` (${missed.map((row) => row.name).join('; ')})` : ''}.`;
  return quick ? `${head} Quick run: ${unjudged} ratio goals are indicative only (too few samples); run without --quick to judge them.` : head;
}

const fmt = (value: number | undefined, decimals = 2) => (value === undefined || Number.isNaN(value) ? '' : value.toFixed(decimals));

/** A fixed-width text table (also valid Markdown). */
export function formatTable(rows: readonly Row[], quick = false): string {
  const header = ['section', 'measurement', 'p50 ms', 'p95 ms', 'p99 ms', 'floor p50', 'value', 'goal', 'met'];
  const lines = rows.map((row) => {
    return [
      row.section,
      row.name,
      fmt(row.measured?.p50),
      fmt(row.measured?.p95),
      fmt(row.measured?.p99),
      fmt(row.floor?.p50),
      `${fmt(row.value, row.unit === 'x' ? 3 : row.unit === 'ms' ? 3 : row.unit === 'errors' || row.unit === 'calls' ? 0 : 1)} ${row.unit}`,
      row.goal?.text ?? '',
      verdict(row, quick),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] as string).length)));
  const render = (cells: string[]) => `| ${cells.map((cell, i) => (i >= 2 && i <= 6 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join(' | ')} |`;
  return [render(header), `|${widths.map((width, i) => (i >= 2 && i <= 6 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...lines.map(render)].join('\n');
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
