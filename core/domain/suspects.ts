// Which of the deployed changes most likely caused an incident: a pure ranking with reasons a person can check.
// Files under the incident's services' paths and files the timeline points at first, CODEOWNERS as a tie-breaker.
import picomatch from 'picomatch';
import { ownersFor, type CodeownersRule } from './codeowners';

/** One commit between the last good deploy and the deployed one. */
export interface ChangedCommit {
  readonly sha: string;
  /** The whole commit message; its first line is the subject. */
  readonly message: string;
  /** GitHub login when GitHub knows the author, else the git author name. */
  readonly author: string;
  readonly date: string;
  /** Paths the commit itself changed; undefined when they were not read (beyond the read budget). */
  readonly files?: readonly string[];
}

export interface RankingContext {
  /** The incident's services with their path globs (config `services.<name>.paths`). */
  readonly services: readonly { readonly name: string; readonly paths: readonly string[] }[];
  /** Paths named by the timeline's code references (in the deployed repository). */
  readonly codePaths: readonly string[];
  /** CODEOWNERS of the deployed repository, when known. */
  readonly codeowners?: readonly CodeownersRule[];
  /** Logins (and `org/team`s) tied to the incident: its services' owners and its people. */
  readonly people?: readonly string[];
}

export interface RankedCommit extends ChangedCommit {
  readonly score: number;
  readonly reasons: readonly string[];
}

/** Points per kind of evidence: paths and code references decide, CODEOWNERS only breaks ties. */
export const SCORE = { service: 100, codeRef: 100, owner: 10 } as const;

const MAX_NAMED = 3;

function named(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_NAMED).join(', ');
  return paths.length > MAX_NAMED ? `${shown} and ${paths.length - MAX_NAMED} more` : shown;
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.?\/+/, '');
}

/**
 * Ranks commits highest score first; equal scores keep the most recent commit first. `commits` may come in any
 * order: recency is their date, then their position (later in the list is newer, as compare lists them).
 */
export function rankSuspects(commits: readonly ChangedCommit[], context: RankingContext): RankedCommit[] {
  const matchers = context.services
    .filter((s) => s.paths.length > 0)
    .map((s) => ({ name: s.name, matches: picomatch([...s.paths], { dot: true }) }));
  const codePaths = new Set(context.codePaths.map(normalize));
  const people = new Set((context.people ?? []).map((p) => p.replace(/^@/, '').toLowerCase()));
  const newest = [...commits.keys()].sort((a, b) => recency(commits, b) - recency(commits, a));
  const rankOf = new Map(newest.map((index, rank) => [index, rank]));
  const ranked = commits.map((commit, index) => {
    const reasons: string[] = [];
    let score = 0;
    const files = (commit.files ?? []).map(normalize);
    for (const service of matchers) {
      const hits = files.filter((f) => service.matches(f));
      if (hits.length === 0) continue;
      score += SCORE.service;
      reasons.push(`changes ${named(hits)}, under the paths of service ${service.name}`);
    }
    const referenced = files.filter((f) => codePaths.has(f));
    if (referenced.length > 0) {
      score += SCORE.codeRef;
      reasons.push(`changes ${named(referenced)}, named in the incident's timeline`);
    }
    if (context.codeowners && people.size > 0) {
      const owners = new Set(files.flatMap((f) => ownersFor(context.codeowners ?? [], f).owners));
      const shared = [...owners].filter((o) => people.has(o.toLowerCase()));
      if (shared.length > 0) {
        score += SCORE.owner;
        reasons.push(`its files are owned (CODEOWNERS) by ${shared.map((o) => `@${o}`).join(', ')}, on this incident`);
      }
    }
    const rank = rankOf.get(index) ?? 0;
    if (commit.files === undefined) reasons.push('its files were not read (beyond the commits read per request)');
    reasons.push(
      rank === 0
        ? `the most recent of the ${commits.length} deployed change${commits.length === 1 ? '' : 's'}`
        : `deployed change ${rank + 1} of ${commits.length}, newest first`,
    );
    return { commit: { ...commit, score, reasons }, rank };
  });
  return ranked.sort((a, b) => b.commit.score - a.commit.score || a.rank - b.rank).map((r) => r.commit);
}

function recency(commits: readonly ChangedCommit[], index: number): number {
  const time = Date.parse(commits[index]?.date ?? '');
  // Position breaks ties (and stands in for a missing date) at sub-millisecond weight.
  return (Number.isNaN(time) ? 0 : time) + index / (commits.length + 1);
}

/** The first line of a commit message. */
export function subjectOf(message: string): string {
  return message.split('\n')[0]?.trim() ?? '';
}

/**
 * The environments an incident's deployments are looked up in: those whose configured services include one of the
 * incident's, else every configured one, else GitHub's default `production`.
 */
export function environmentsFor(
  environments: Readonly<Record<string, readonly string[]>> | undefined,
  services: readonly string[],
): string[] {
  const all = Object.entries(environments ?? {});
  if (all.length === 0) return ['production'];
  const wanted = new Set(services.map((s) => s.toLowerCase()));
  const matching = all.filter(([, listed]) => listed.some((s) => wanted.has(s.toLowerCase()))).map(([env]) => env);
  return matching.length > 0 ? matching : all.map(([env]) => env);
}

/** Where a commit's hunks start in its version of a file, and how many lines they have there (a `--unified=0` diff). */
export function addedRanges(diff: string): { start: number; count: number }[] {
  return [...diff.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)]
    .map((m) => ({ start: Number(m[1]), count: m[2] === undefined ? 1 : Number(m[2]) }))
    .filter((r) => r.count > 0);
}
