// The campaign's figures: every scenario and property target records one row, and the full run ends by printing
// them as a table (also written to test-results/reliability.md for CI to keep).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FULL, SEED } from './support';

export interface Figures {
  readonly scenario: string;
  /** What was run: entries, declares, cases ... */
  readonly size: string;
  readonly lost: number;
  readonly duplicated: number;
  /** Exceptions that were not typed Firebreak errors (a stack trace for the person), or a wrong answer. */
  readonly crashes: number;
  /** (text, secret) pairs where a token or webhook URL showed up in something captured. */
  readonly leaked: number;
  /**
   * Notifications GitHub would send about things that should not exist (duplicates created by racing runs and then
   * closed); undefined where not measured.
   */
  readonly notifications?: number;
  /** Requests the sandbox received; undefined for targets that make none. */
  readonly requests?: number;
  /** Requests beyond what the same work costs without faults (retries, key look-ups, rate-limit waits). */
  readonly retries?: number;
  /** Requests answered with an injected fault. */
  readonly faults?: number;
  readonly seconds: number;
  readonly note?: string;
}

const rows: Figures[] = [];

export function record(figures: Figures): void {
  rows.push(figures);
}

export function recorded(): readonly Figures[] {
  return rows;
}

const COLUMNS: readonly { title: string; value: (f: Figures) => string; left?: boolean }[] = [
  { title: 'scenario', value: (f) => f.scenario, left: true },
  { title: 'size', value: (f) => f.size, left: true },
  { title: 'lost', value: (f) => String(f.lost) },
  { title: 'duplicated', value: (f) => String(f.duplicated) },
  { title: 'crashes', value: (f) => String(f.crashes) },
  { title: 'leaked secrets', value: (f) => String(f.leaked) },
  { title: 'notifications', value: (f) => (f.notifications === undefined ? '-' : String(f.notifications)) },
  { title: 'requests', value: (f) => (f.requests === undefined ? '-' : String(f.requests)) },
  { title: 'retries', value: (f) => (f.retries === undefined ? '-' : String(f.retries)) },
  { title: 'faults', value: (f) => (f.faults === undefined ? '-' : String(f.faults)) },
  { title: 's', value: (f) => f.seconds.toFixed(1) },
  { title: 'note', value: (f) => f.note ?? '', left: true },
];

/** A Markdown table, padded so it also reads well in a terminal. */
export function formatTable(unsorted: readonly Figures[]): string {
  // Scenarios (1-6), then properties (P), then security (S), whatever order the spec files ran in.
  const figures = [...unsorted].sort((a, b) => a.scenario.localeCompare(b.scenario, 'en', { numeric: true }));
  const cells = figures.map((f) => COLUMNS.map((c) => c.value(f).replace(/\|/g, '\\|')));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, 3, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (COLUMNS[i]?.left ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (COLUMNS[i]?.left ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const totals = figures.reduce(
    (t, f) => ({
      lost: t.lost + f.lost,
      duplicated: t.duplicated + f.duplicated,
      crashes: t.crashes + f.crashes,
      leaked: t.leaked + f.leaked,
      notifications: t.notifications + (f.notifications ?? 0),
    }),
    {
      lost: 0,
      duplicated: 0,
      crashes: 0,
      leaked: 0,
      notifications: 0,
    },
  );
  return [
    line(COLUMNS.map((c) => c.title)),
    rule,
    ...cells.map(line),
    '',
    `Totals: lost ${totals.lost}, duplicated ${totals.duplicated}, crashes ${totals.crashes}, leaked secrets ${totals.leaked}, notifications ${totals.notifications}. Seed ${SEED}.`,
  ].join('\n');
}

// A root hook: runs once after every suite of the mocha run, whichever spec file loaded this module first.
after(function printTable() {
  if (!FULL || rows.length === 0) return;
  const table = formatTable(rows);
  process.stdout.write(`\n  Firebreak reliability (FIREBREAK_RELIABILITY=full, seed ${SEED})\n\n${table}\n\n`);
  const dir = resolve(__dirname, '..', '..', 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'reliability.md'), `# Firebreak reliability\n\n${table}\n`);
});

/** fast-check prints whole counterexamples; 65,536-character texts make that unreadable. */
function shorten(message: string): string {
  return message.replace(/([^"\\]|\\.){300,}/g, (m) => `${m.slice(0, 200)}…(${m.length} chars)`).slice(0, 4000);
}

/**
 * A property target as a test: runs it, records its row (a failure counts as a crash, with the counterexample
 * shortened), then fails the test with that message.
 */
export function property(
  name: string,
  size: string,
  fn: () => Promise<void> | void,
  note: () => string,
): () => Promise<void> {
  return async () => {
    const started = Date.now();
    let failure: string | undefined;
    try {
      await fn();
    } catch (error) {
      failure = shorten((error as Error).message);
    }
    record({
      scenario: name,
      size,
      lost: 0,
      duplicated: 0,
      crashes: failure ? 1 : 0,
      leaked: 0,
      seconds: (Date.now() - started) / 1000,
      note: note(),
    });
    assert.equal(failure, undefined, failure);
  };
}
