// Incident memory in the code: the incidents whose entries pointed at code, with each reference carried forward with
// git to a later commit (or the working tree), and the lines of a change that touch them (`mode: review`, history).
import type { FirebreakConfig } from '../domain/config';
import { incidentFromComments, incidentFromIssue } from '../domain/issue-view';
import { plainTitle, userLine } from '../domain/markdown';
import { isActive, repoSlug, type CodeRef, type Incident, type LogEntry } from '../domain/incident';
import {
  carryRange,
  diffOfOldPath,
  overlaps,
  parseDiff,
  touchedLines,
  type FileDiff,
  type LineRange,
} from '../domain/line-map';
import type { IssueGateway } from '../github/issue-gateway';
import type { Authority } from '../authority';
import type { Trust } from '../domain/trust';
import { authorityFor, trustForIssue, trustForIssues } from './writers';

/** The git a history needs, over a checked-out repository (see core/git-cli.ts). */
export interface GitRepository {
  /**
   * `git diff --unified=0 -M` from `from` to `to` (the working tree when absent), whole tree; undefined when either
   * commit is not in the repository (a shallow clone).
   */
  diff(from: string, to?: string): Promise<string | undefined>;
  /** The best common ancestor, when both commits are there. */
  mergeBase(a: string, b: string): Promise<string | undefined>;
}

export const DEFAULT_LOOKBACK_DAYS = 365;

/** An entry with a code reference, and where those lines are now. */
export interface PastMention {
  readonly incident: Incident;
  /** From the private incident repository: shown as "a private incident" unless private ones are included. */
  readonly private: boolean;
  readonly entry: LogEntry & { readonly code: CodeRef };
  /** The referenced file and lines at the target (after renames and edits). */
  readonly path: string;
  readonly range: LineRange;
}

export interface Carried {
  readonly mentions: PastMention[];
  /** References whose lines were all deleted since (or whose file was). */
  readonly dropped: number;
  /** References whose commit is not in the repository: they cannot be followed (fetch more history). */
  readonly unreachable: number;
}

export interface ReviewAnnotation {
  /** The new file's path and lines in the pull request. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly mentions: readonly PastMention[];
}

export interface ReviewResult extends Carried {
  readonly base: string;
  readonly annotations: ReviewAnnotation[];
  /** Incidents with at least one annotation, in order of first appearance. */
  readonly incidents: Incident[];
}

export interface HistoryDeps {
  readonly config: FirebreakConfig;
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
  readonly git: GitRepository;
  /** owner/name of the repository whose code is looked at: references into other repositories are left out. */
  readonly codeRepo?: string;
  readonly now?: () => Date;
  /** How many incidents' comments are read at once. */
  readonly concurrency?: number;
  /** Who may act (GitHub's permission), shared by the run; made over the gateways when absent. */
  readonly authority?: Authority;
}

export interface ListOptions {
  readonly lookbackDays?: number;
  /** Read the private incident repository too (its incidents are marked private). */
  readonly includePrivate?: boolean;
}

export class IncidentHistory {
  private readonly now: () => Date;
  /** What could not be read, for the edge to show (e.g. the private repository with a token that cannot). */
  readonly notes: string[] = [];
  private readonly timelines = new Map<string, { updatedAt: string; comments: number; incident: Incident }>();

  private readonly authority: Authority;

  constructor(private readonly deps: HistoryDeps) {
    this.now = deps.now ?? (() => new Date());
    this.authority = authorityFor(deps);
  }

  /**
   * Incidents whose timeline points at code, active or resolved within the lookback, with their timelines: one list
   * (the code label, closed ones updated since the cutoff) and one comment read per such incident. Drills are left
   * out: practice is not history.
   */
  async incidents(options: ListOptions = {}): Promise<{ incident: Incident; private: boolean }[]> {
    const { config } = this.deps;
    const days = options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
    const cutoff = new Date(this.now().getTime() - days * 86_400_000).toISOString();
    const sources = [
      { gateway: this.deps.gateway, private: false },
      ...(options.includePrivate && this.deps.privateGateway
        ? [{ gateway: this.deps.privateGateway, private: true }]
        : []),
    ];
    const listed = (
      await Promise.all(
        sources.map(async (source) => {
          const list = source.gateway.listIssues({
            labels: [config.labels.incident, config.labels.code],
            state: 'all',
            since: cutoff,
          });
          // A token that cannot read the private repository still gets the public history.
          const issues = source.private
            ? await list.catch((error: unknown) => {
                this.notes.push(
                  `The private incidents of ${repoSlug(source.gateway.repo)} were not read ` +
                    `(${error instanceof Error ? error.message : String(error)}).`,
                );
                return [];
              })
            : await list;
          return issues.map((issue) => ({ ...source, issue }));
        }),
      )
    ).flat();
    const trusts = new Map<IssueGateway, Trust>();
    for (const gateway of new Set(listed.map((l) => l.gateway))) {
      const issues = listed.filter((l) => l.gateway === gateway).map((l) => l.issue);
      trusts.set(gateway, await trustForIssues(this.authority, gateway.repo, issues));
    }
    const recent = listed.filter(({ gateway, issue }) => {
      const trust = trusts.get(gateway);
      if (!trust) return false;
      const summary = incidentFromIssue({ repo: gateway.repo, issue, config }, trust);
      if (summary.drill) return false;
      const resolvedAt = summary.timestamps.resolved ?? (summary.open ? undefined : issue.updatedAt);
      return isActive(summary) || resolvedAt === undefined || resolvedAt >= cutoff;
    });
    return mapLimit(recent, this.deps.concurrency ?? 6, async ({ gateway, issue, private: isPrivate }) => {
      // A long-lived history (the editor's) reads a timeline again only when its issue changed.
      const key = `${repoSlug(gateway.repo)}#${issue.number}`.toLowerCase();
      const known = this.timelines.get(key);
      if (known && known.updatedAt === issue.updatedAt && known.comments === issue.comments)
        return { incident: known.incident, private: isPrivate || known.incident.private };
      const comments = await gateway.listComments(issue.number);
      const trust = await trustForIssue(this.authority, gateway.repo, issue, comments);
      const { incident } = incidentFromComments({ repo: gateway.repo, issue, config }, comments, trust);
      this.timelines.set(key, { updatedAt: issue.updatedAt, comments: issue.comments, incident });
      return { incident, private: isPrivate || incident.private };
    });
  }

  /** Each code reference of these incidents, carried from its commit to `target` (the working tree when absent). */
  async carry(incidents: readonly { incident: Incident; private: boolean }[], target?: string): Promise<Carried> {
    const codeRepo = this.deps.codeRepo?.toLowerCase();
    const refs = incidents.flatMap(({ incident, private: isPrivate }) =>
      incident.timeline.flatMap((entry) =>
        'code' in entry && entry.code && (!codeRepo || entry.code.repo.toLowerCase() === codeRepo)
          ? [{ incident, private: isPrivate, entry: entry as PastMention['entry'] }]
          : [],
      ),
    );
    const diffs = new Map<string, Promise<FileDiff[] | undefined>>();
    const diffFrom = (commit: string) => {
      let found = diffs.get(commit);
      if (!found) {
        found = this.deps.git.diff(commit, target).then((text) => (text === undefined ? undefined : parseDiff(text)));
        diffs.set(commit, found);
      }
      return found;
    };
    const mentions: PastMention[] = [];
    let dropped = 0;
    let unreachable = 0;
    for (const ref of refs) {
      const files = await diffFrom(ref.entry.code.commit);
      if (!files) {
        unreachable++;
        continue;
      }
      const carried = carryOne(files, ref.entry.code);
      if (!carried) {
        dropped++;
        continue;
      }
      mentions.push({ ...ref, ...carried });
    }
    return { mentions, dropped, unreachable };
  }

  /** Past incidents that touched a file (or some of its lines) as it is in the working tree (or at `target`). */
  async history(path: string, lines?: LineRange, options: ListOptions & { target?: string } = {}): Promise<Carried> {
    const carried = await this.carry(await this.incidents(options), options.target);
    return {
      ...carried,
      mentions: carried.mentions.filter((m) => m.path === path && (!lines || overlaps(m.range, lines))),
    };
  }

  /**
   * The lines of a pull request (base...head, as GitHub shows its diff) that change code past incidents referenced:
   * references are carried to the merge base, then matched against the pull request's hunks. Reads only.
   */
  async review(base: string, head: string, options: ListOptions = {}): Promise<ReviewResult> {
    const { git } = this.deps;
    const from = (await git.mergeBase(base, head)) ?? base;
    const change = await git.diff(from, head);
    if (change === undefined)
      throw new Error(
        `The commits ${base.slice(0, 12)} and ${head.slice(0, 12)} are not both in the checkout; ` +
          'check out the repository with enough history (actions/checkout with fetch-depth: 0).',
      );
    const files = parseDiff(change);
    const carried = await this.carry(await this.incidents(options), from);
    const byPlace = new Map<string, { path: string; range: LineRange; mentions: PastMention[] }>();
    for (const mention of carried.mentions) {
      const file = diffOfOldPath(files, mention.path);
      if (!file?.newPath) continue;
      for (const range of touchedLines(mention.range, file.hunks)) {
        const key = `${file.newPath}\n${range[0]}\n${range[1]}`;
        const place = byPlace.get(key) ?? { path: file.newPath, range, mentions: [] };
        place.mentions.push(mention);
        byPlace.set(key, place);
      }
    }
    const annotations = [...byPlace.values()]
      .sort((a, b) => a.path.localeCompare(b.path) || a.range[0] - b.range[0])
      .map((p) => ({ path: p.path, startLine: p.range[0], endLine: p.range[1], mentions: p.mentions }));
    const incidents = new Map<string, Incident>();
    for (const a of annotations)
      for (const m of a.mentions) incidents.set(`${repoSlug(m.incident.repo)}#${m.incident.number}`, m.incident);
    return { ...carried, base: from, annotations, incidents: [...incidents.values()] };
  }
}

function carryOne(files: readonly FileDiff[], code: CodeRef): { path: string; range: LineRange } | undefined {
  const file = diffOfOldPath(files, code.path);
  const range: LineRange = [code.startLine, code.endLine];
  if (!file) return { path: code.path, range };
  if (!file.newPath) return undefined;
  const carried = carryRange(range, file.hunks);
  return carried ? { path: file.newPath, range: carried } : undefined;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Whether a mention may be shown in full: public, or private ones asked for. */
function shown(mention: PastMention, includePrivate: boolean): boolean {
  return !mention.private || includePrivate;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** `Incident #42 "Checkout returns 500s" (critical, 2026-11-30): Rolled back payments deploy 4711`, plain text. */
export function mentionLine(mention: PastMention, includePrivate: boolean): string {
  const { incident, entry } = mention;
  const when = day(incident.timestamps.declared);
  if (!shown(mention, includePrivate)) return `A private incident (${when})`;
  return (
    `Incident #${incident.number} "${plainTitle(incident.title, 120)}" (${incident.severity}, ${when}): ` +
    plainTitle(entry.text, 300)
  );
}

/** A notice for one place of a pull request: title and message, plain text (GitHub shows annotations as typed). */
export function reviewNotice(
  annotation: ReviewAnnotation,
  includePrivate: boolean,
): { title: string; message: string } {
  const incidents = new Set(annotation.mentions.map((m) => `${repoSlug(m.incident.repo)}#${m.incident.number}`));
  const title =
    incidents.size === 1 ? 'Changes lines of a past incident' : `Changes lines of ${incidents.size} past incidents`;
  const lines = [...new Set(annotation.mentions.map((m) => mentionLine(m, includePrivate)))];
  const links = [
    ...new Set(annotation.mentions.filter((m) => shown(m, includePrivate)).map((m) => m.entry.url ?? m.incident.url)),
  ];
  return { title, message: [...lines, ...links].join('\n') };
}

/** The `incidents` output: what each incident was and which lines it touches; private ones without their words. */
export function reviewOutput(result: ReviewResult, includePrivate: boolean): object[] {
  return result.incidents.map((incident) => {
    const places = result.annotations.flatMap((a) =>
      a.mentions
        .filter((m) => m.incident === incident)
        .map((m) => ({ mention: m, path: a.path, startLine: a.startLine, endLine: a.endLine })),
    );
    const isPrivate = places.some((p) => p.mention.private);
    const lines = places.map(({ path, startLine, endLine }) => ({ path, startLine, endLine }));
    if (isPrivate && !includePrivate) return { private: true, lines };
    return {
      repository: repoSlug(incident.repo),
      number: incident.number,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      url: incident.url,
      declaredAt: incident.timestamps.declared,
      ...(incident.timestamps.resolved ? { resolvedAt: incident.timestamps.resolved } : {}),
      private: isPrivate,
      lines: places.map(({ mention, path, startLine, endLine }) => ({
        path,
        startLine,
        endLine,
        kind: mention.entry.kind,
        text: mention.entry.text,
        ...(mention.entry.url ? { url: mention.entry.url } : {}),
        permalink: mention.entry.code.permalink,
      })),
    };
  });
}

/** The job summary section: each incident whose lines the pull request changes, with links. */
export function renderReviewReport(result: ReviewResult, options: { includePrivate: boolean; notes?: string[] }) {
  const lines = ['## 🧯 Past incidents in this change', ''];
  if (result.incidents.length === 0) {
    lines.push('This pull request changes no lines that past incidents pointed at.', '');
  } else {
    lines.push('| Incident | Lines changed here | What happened there |', '|---|---|---|');
    for (const incident of result.incidents) {
      const places = result.annotations.flatMap((a) =>
        a.mentions.filter((m) => m.incident === incident).map((m) => ({ a, m })),
      );
      const at = [...new Set(places.map(({ a }) => `\`${a.path}:${a.startLine}-${a.endLine}\``))].join(', ');
      const first = places[0]?.m;
      if (first && !shown(first, options.includePrivate)) {
        lines.push(`| A private incident (${day(incident.timestamps.declared)}) | ${at} | _private_ |`);
        continue;
      }
      const what = [...new Set(places.map(({ m }) => userLine(m.entry.text, 160)))].join('<br>');
      const when = day(incident.timestamps.declared);
      lines.push(
        `| [#${incident.number}](${incident.url}) ${userLine(incident.title, 100)} (${incident.severity}, ${when}) ` +
          `| ${at} | ${what.replace(/\|/g, '\\|')} |`,
      );
    }
    lines.push('');
  }
  const notes = [...(options.notes ?? [])];
  if (result.unreachable > 0)
    notes.push(
      `${result.unreachable} code reference(s) point at commits that are not in the checkout and were not followed; ` +
        'check out with `fetch-depth: 0`.',
    );
  if (result.dropped > 0) notes.push(`${result.dropped} code reference(s) point at lines deleted since.`);
  lines.push(...notes.map((n) => `> ${n}`), ...(notes.length > 0 ? [''] : []));
  return lines.join('\n');
}
