// The benchmark's table (stdout) and JSON file: one row per figure, with its budget and PASS/FAIL.
import type { Measurement, Stats } from './measure';

export type Verdict = 'PASS' | 'FAIL' | 'INFO';

export interface Row {
  readonly id: string;
  readonly operation: string;
  /** Data set and configuration, e.g. "10,000 closed, 100 active". */
  readonly setting: string;
  /** HTTP figures per injected latency (absent for sizes, activation and cold start). */
  readonly measurements?: readonly Measurement[];
  /** Other figures, shown in the requests column (e.g. "median 312 ms vs floor 221 ms"). */
  readonly figure?: string;
  readonly budget: string;
  readonly verdict: Verdict;
  /** Why, when the verdict needs explaining. */
  readonly note?: string;
  /** Anything else worth keeping in the JSON file. */
  readonly details?: unknown;
}

const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

function range(s: Stats, format: (n: number) => string): string {
  return s.min === s.max ? format(s.median) : `${format(s.min)}..${format(s.max)}`;
}

function minMedian(s: Stats | undefined, format: (n: number) => string): string {
  return s ? `${format(s.min)} / ${format(s.median)}` : '-';
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)}`;
const ratio = (n: number) => n.toFixed(2);

interface Cells {
  readonly operation: string;
  readonly setting: string;
  readonly requests: string;
  readonly bytes: string;
  readonly wall0: string;
  readonly wall100: string;
  readonly perRtt: string;
  readonly budget: string;
  readonly verdict: string;
}

function cells(row: Row): Cells {
  const at = (latency: number) => row.measurements?.find((m) => m.latencyMs === latency);
  const first = row.measurements?.[0];
  const slow = at(100);
  return {
    operation: row.operation,
    setting: row.setting,
    requests: first
      ? `${range(first.requests, fmtInt)} (${range(first.quota, fmtInt)} quota${first.writes.max > 0 ? `, ${range(first.writes, fmtInt)} writes` : ''})`
      : (row.figure ?? ''),
    bytes: first ? `${bytes(first.bytesSent.median)} / ${bytes(first.bytesReceived.median)}` : '',
    wall0: minMedian(at(0)?.wallMs, ms),
    wall100: minMedian(slow?.wallMs, ms),
    perRtt: minMedian(slow?.wallPerRtt, ratio),
    budget: row.budget,
    verdict: row.verdict,
  };
}

const HEADERS: Cells = {
  operation: 'operation',
  setting: 'setting',
  requests: 'requests (quota)',
  bytes: 'sent / received',
  wall0: 'wall ms @0 min/med',
  wall100: 'wall ms @100 min/med',
  perRtt: 'wall÷RTT min/med',
  budget: 'budget',
  verdict: 'result',
};

export function table(rows: readonly Row[]): string {
  const all = [HEADERS, ...rows.map(cells)];
  const keys = Object.keys(HEADERS) as (keyof Cells)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((c) => c[k].length))])) as Record<
    keyof Cells,
    number
  >;
  const line = (c: Cells) =>
    keys
      .map((k) => c[k].padEnd(width[k]))
      .join(' | ')
      .trimEnd();
  const rule = keys.map((k) => '-'.repeat(width[k])).join('-|-');
  return [line(HEADERS), rule, ...all.slice(1).map(line)].join('\n');
}

/** A narrower table in Markdown for the README: medians only. */
export function markdownTable(rows: readonly Row[]): string {
  const esc = (text: string) => text.replace(/\|/g, '\\|');
  const median = (
    m: Measurement | undefined,
    pick: (m: Measurement) => Stats | undefined,
    format: (n: number) => string,
  ) => {
    const value = m ? pick(m) : undefined;
    return value ? format(value.median) : '';
  };
  const lines = [
    '| operation | setting | requests (quota) | received | wall @0 ms | wall @100 ms | ÷ RTT | budget | result |',
    '|---|---|---|---|---:|---:|---:|---|---|',
  ];
  for (const row of rows) {
    const c = cells(row);
    const at = (latency: number) => row.measurements?.find((m) => m.latencyMs === latency);
    const first = row.measurements?.[0];
    lines.push(
      `| ${[
        c.operation,
        c.setting,
        c.requests.replace(/, \d+(\.\.\d+)? writes/, '').replace(/ quota\)/, ')'),
        first ? bytes(first.bytesReceived.median) : '',
        median(at(0), (m) => m.wallMs, ms),
        median(at(100), (m) => m.wallMs, ms),
        median(at(100), (m) => m.wallPerRtt, ratio),
        c.budget,
        `**${c.verdict}**`,
      ]
        .map(esc)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function notes(rows: readonly Row[]): string {
  return rows
    .filter((r) => r.note)
    .map((r) => `- ${r.operation} (${r.setting}): ${r.note ?? ''}`)
    .join('\n');
}

const RESULTS_START = '<!-- results:start (written by npm run bench) -->';
const RESULTS_END = '<!-- results:end -->';

/** The README with its results section replaced (the section is added at the end when missing). */
export function replaceResults(readme: string, content: string): string {
  const from = readme.indexOf(RESULTS_START);
  const to = readme.indexOf(RESULTS_END);
  if (from < 0 || to < from)
    return `${readme.trimEnd()}\n\n## Latest results\n\n${RESULTS_START}\n${content}\n${RESULTS_END}\n`;
  return `${readme.slice(0, from + RESULTS_START.length)}\n${content}\n${readme.slice(to)}`;
}
