// What every config section shares: name and repository rules, durations, and where in the file a problem lies.
import type { Document, Node as YamlNode } from 'yaml';
// A namespace import lets esbuild drop the parts of zod we do not use (the named `z` export keeps all of it).
import * as z from 'zod';
import type { ConfigProblem } from '../errors';
import type { RepoRef } from '../incident';

export const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
// GitHub's rules: an owner is letters and digits with single hyphens between them (at most 39), a repository name
// letters, digits, '.', '_' and '-' (at most 100), never '.' or '..'.
export const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/;
/** An update cadence longer than this is a typo; it would also overflow the timers that remind people. */
export const MAX_DURATION_MINUTES = 30 * 1440;

/** `30m`, `1h`, `1h30m`, `2d` -> minutes; undefined when the text is not a duration of 1 minute to 30 days. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m] = match;
  const minutes = Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0);
  return minutes > 0 && minutes <= MAX_DURATION_MINUTES ? minutes : undefined;
}

export function formatDuration(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', rest ? `${rest}m` : ''].join('') || '0m';
}

export const name = (what: string) =>
  z
    .string({ error: `${what} must be a text` })
    .regex(NAME, `${what} may use letters, digits, '.', '_' and '-' only, and must start with a letter or digit`);

export function toRepo(slug: string | undefined): RepoRef | undefined {
  if (!slug) return undefined;
  const [owner, repoName] = slug.split('/') as [string, string];
  return { owner, name: repoName };
}

export function parseRepo(slug: string): RepoRef | undefined {
  return REPO.test(slug.trim()) ? toRepo(slug.trim()) : undefined;
}

export function sameRepo(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}

/** [first index, later index] for every name that repeats an earlier one, case-insensitively. */
export function duplicateIndexes(names: readonly string[]): [number, number][] {
  const lower = names.map((n) => n.toLowerCase());
  return lower.flatMap((n, i) => (lower.indexOf(n) !== i ? [[lower.indexOf(n), i] as [number, number]] : []));
}

/** What a section's normalizer gets: the file and its parsed document, to place problems, and the list to add to. */
export interface SectionContext {
  readonly file: string;
  readonly doc: Document;
  readonly at: (offset: number | undefined) => { line: number; column: number };
  readonly problems: ConfigProblem[];
}

export function nodeOffset(doc: Document, path: (string | number)[]): number | undefined {
  return (doc.getIn(path, true) as YamlNode | undefined)?.range?.[0];
}
