// Turns a retro's action items into follow-up issues: one per unchecked item, linked to the incident as a sub-issue,
// with the checklist line annotated. Idempotent by the item's key in a marker in the follow-up's body, found by
// listing the follow-up label (never search: its index lags). Runs that would create take a lock first (a label:
// run-lock.ts), so racing runs do not create duplicates, which would notify people; the one that waited then finds
// the follow-ups made. Should a duplicate still be made (a lock taken over from a run that only seemed dead), the
// run that made it closes it as a duplicate of the lowest-numbered one.
import { randomBytes } from 'node:crypto';
import { GitHubError, InputError } from '../domain/errors';
import { formatMarker, isTrustedAuthor, isTrustedIssue, readMarkers } from '../domain/event-log';
import { repoSlug } from '../domain/incident';
import type { CommentRecord, IssueRecord } from '../github/issue-gateway';
import { plainTitle, userLine, userMarkdown } from '../domain/markdown';
import type { UseCaseDeps } from './use-case';
import { trustOf, type Trust } from '../domain/trust';
import { authorityFor } from './writers';
import { annotateItem, parseRetroChecklist, type ChecklistProblem, type RetroItem } from '../domain/retro-checklist';
import { LabelLock, type LockTimings } from './run-lock';

export type FollowUpDeps = UseCaseDeps;

export interface FollowUpOptions {
  /** Report what would be created without writing anything. */
  readonly dryRun?: boolean;
  /**
   * Identifies this run (e.g. the workflow run): a rerun with the same key takes up the lock its failed attempt left.
   * Default: a random key.
   */
  readonly runKey?: string;
  /** Timings of the lock that keeps racing runs apart. */
  readonly lock?: LockTimings;
}

/** The label that keeps follow-up runs of one incident apart while one of them creates. */
export function followUpLockName(incidentNumber: number): string {
  return `firebreak-lock: follow-ups #${incidentNumber}`;
}

export interface FollowUpIssue {
  readonly number: number;
  readonly url: string;
  readonly key: string;
  readonly text: string;
  readonly owner?: string;
  /** Whether the owner is the assignee (otherwise they are only mentioned). */
  readonly assigned: boolean;
}

export interface SourcedProblem extends ChecklistProblem {
  /** Where the line is: `the incident description` or a comment URL. */
  readonly source: string;
}

export interface FollowUpResult {
  readonly incident: { readonly number: number; readonly title: string; readonly url: string };
  /** Every item found, checked or not. */
  readonly items: readonly RetroItem[];
  /** Follow-ups this run created (and kept). In a dry run: what it would create, with number 0. */
  readonly created: readonly FollowUpIssue[];
  /** Items that already had a follow-up. */
  readonly existing: readonly { readonly key: string; readonly text: string; readonly number: number }[];
  /** Issues this run created and then closed as duplicates of an earlier one (a concurrent run won). */
  readonly duplicatesClosed: readonly { readonly number: number; readonly duplicateOf: number }[];
  readonly problems: readonly SourcedProblem[];
  /** Checklist lines annotated with their follow-up number. */
  readonly annotated: number;
  readonly checked: number;
  /** Comments with action items that were ignored because their authors cannot write to the repository. */
  readonly untrustedSources: number;
  /** Whether any Follow-ups / Action items heading was found. */
  readonly hasSection: boolean;
  /** Non-fatal trouble (e.g. sub-issues not available), for the edge to show as warnings. */
  readonly warnings: readonly string[];
}

interface Source {
  readonly kind: 'body' | 'comment';
  readonly id: number;
  readonly label: string;
  readonly text: string;
  readonly updatedAt: string;
}

interface Located {
  readonly item: RetroItem;
  readonly source: Source;
}

/** The key of a follow-up issue (from its body marker), when it belongs to this incident. */
function followUpKey(issue: IssueRecord, incidentNumber: number): string | undefined {
  for (const marker of readMarkers(issue.body, 'follow-up')) {
    if (typeof marker['key'] === 'string' && marker['incident'] === incidentNumber) return marker['key'];
  }
  return undefined;
}

/** Issues that duplicate another are out of the running; among the rest the lowest number wins. */
function canonical(issues: readonly IssueRecord[]): IssueRecord | undefined {
  const live = issues.filter((i) => !(i.state === 'closed' && i.stateReason === 'duplicate'));
  return [...(live.length > 0 ? live : issues)].sort((a, b) => a.number - b.number)[0];
}

export class FollowUps {
  constructor(private readonly deps: FollowUpDeps) {}

  async run(incidentNumber: number, options: FollowUpOptions = {}): Promise<FollowUpResult> {
    const { gateway, config } = this.deps;
    const incident = await gateway.getIssue(incidentNumber);
    if (!incident.labels.includes(config.labels.incident)) {
      throw new InputError(
        `${repoSlug(gateway.repo)}#${incidentNumber} is not an incident.`,
        `Incidents carry the "${config.labels.incident}" label.`,
      );
    }
    const scope = `${repoSlug(gateway.repo).toLowerCase()}#${incidentNumber}`;
    const comments = await gateway.listComments(incidentNumber);
    const { sources, untrusted } = this.sources(
      incident,
      comments,
      scope,
      await this.writers(incident, comments, scope),
    );

    const located: Located[] = [];
    const problems: SourcedProblem[] = [];
    const seen = new Set<string>();
    let hasSection = false;
    for (const source of sources) {
      const parsed = parseRetroChecklist(source.text, { scope });
      hasSection ||= parsed.hasSection;
      problems.push(...parsed.problems.map((p) => ({ ...p, source: source.label })));
      for (const item of parsed.items) {
        // The same item in the description and a retro comment is one item.
        if (seen.has(item.key)) continue;
        seen.add(item.key);
        located.push({ item, source });
      }
    }

    const since = incident.createdAt;
    const plan = (tracked: Map<string, IssueRecord[]>) => ({
      tracked,
      wanted: located.filter(({ item }) => !item.checked && !tracked.has(item.key) && item.tracked === undefined),
      existing: located
        .filter(({ item }) => !item.checked && (tracked.has(item.key) || item.tracked !== undefined))
        .map(({ item }) => ({
          key: item.key,
          text: item.text,
          number: canonical(tracked.get(item.key) ?? [])?.number ?? item.tracked ?? 0,
        })),
    });
    let { tracked, wanted, existing } = plan(this.byKey(await this.listFollowUps(since), incidentNumber));
    const base = () => ({
      incident: { number: incident.number, title: incident.title, url: incident.url },
      items: located.map((l) => l.item),
      existing,
      problems,
      checked: located.filter((l) => l.item.checked).length,
      untrustedSources: untrusted,
      hasSection,
    });
    const warnings: string[] = [];
    const assignable = wanted.some(({ item }) => item.owner) ? await this.assignable(warnings) : new Set<string>();
    if (options.dryRun) {
      return {
        ...base(),
        created: wanted.map(({ item }) => ({
          number: 0,
          url: '',
          key: item.key,
          text: item.text,
          ...(item.owner ? { owner: item.owner } : {}),
          assigned: item.owner !== undefined && assignable.has(item.owner.toLowerCase()),
        })),
        duplicatesClosed: [],
        annotated: 0,
        warnings,
      };
    }

    // Something to create: one run at a time. A run that waited (or a rerun) lists again under the lock and finds
    // what the other made, so it creates nothing twice and nobody is notified twice.
    const lock =
      wanted.length > 0
        ? new LabelLock(gateway, {
            ...options.lock,
            name: followUpLockName(incidentNumber),
            guards: `the follow-ups of #${incidentNumber}`,
            runKey: options.runKey ?? randomBytes(8).toString('hex'),
          })
        : undefined;
    const acquired = await lock?.acquire();
    if (acquired && !acquired.held)
      warnings.push(`Ran without the lock that keeps runs apart: ${acquired.reason}. Racing runs may duplicate.`);
    try {
      if (lock) ({ tracked, wanted, existing } = plan(this.byKey(await this.listFollowUps(since), incidentNumber)));
      return await this.write(incident, located, { tracked, wanted, since, assignable, warnings, lock, scope }, base);
    } finally {
      const warning = await lock?.release();
      if (warning) warnings.push(warning);
    }
  }

  private async write(
    incident: IssueRecord,
    located: readonly Located[],
    state: {
      readonly tracked: Map<string, IssueRecord[]>;
      readonly wanted: readonly Located[];
      readonly since: string;
      readonly assignable: ReadonlySet<string>;
      readonly warnings: string[];
      readonly lock: LabelLock | undefined;
      readonly scope: string;
    },
    base: () => Omit<FollowUpResult, 'created' | 'duplicatesClosed' | 'annotated' | 'warnings'>,
  ): Promise<FollowUpResult> {
    const { gateway } = this.deps;
    const { tracked, wanted, since, assignable, warnings, lock, scope } = state;
    const incidentNumber = incident.number;
    const made = new Map<string, { issue: IssueRecord; item: RetroItem; assigned: boolean }>();
    for (const { item } of wanted) {
      await lock?.beat();
      const result = await this.create(incident, item, assignable);
      made.set(item.key, { ...result, item });
    }

    // A run without the lock (or one whose lock was taken over) may have created the same items meanwhile: listing
    // is consistent, so the later of two creates always sees the earlier one here, and closes its own.
    const duplicatesClosed: { number: number; duplicateOf: number }[] = [];
    const created: FollowUpIssue[] = [];
    const after = made.size > 0 ? this.byKey(await this.listFollowUps(since), incidentNumber) : tracked;
    for (const [key, { issue, item, assigned }] of made) {
      const winner = canonical([...(after.get(key) ?? []).filter((i) => i.number !== issue.number), issue]) ?? issue;
      if (winner.number !== issue.number) {
        const noteKey = `${key}-duplicate-${issue.number}`;
        await gateway.createComment(
          issue.number,
          `${formatMarker('follow-up', { key: noteKey, duplicateOf: winner.number })}\nDuplicate of #${winner.number}`,
          noteKey,
        );
        await gateway.updateIssue(issue.number, { state: 'closed', stateReason: 'duplicate' });
        duplicatesClosed.push({ number: issue.number, duplicateOf: winner.number });
        continue;
      }
      created.push({
        number: issue.number,
        url: issue.url,
        key,
        text: item.text,
        ...(item.owner ? { owner: item.owner } : {}),
        assigned,
      });
    }

    const winners = new Map<string, IssueRecord>();
    for (const [key, issues] of after) {
      const winner = canonical(issues);
      if (winner) winners.set(key, winner);
    }
    await this.linkSubIssues(incidentNumber, located, winners, warnings);
    const annotated = await this.annotate(incidentNumber, located, winners, scope, warnings);
    return { ...base(), created, duplicatesClosed, annotated, warnings };
  }

  /** Who may define follow-ups: the writers among the authors of a body or comment with a checklist section. */
  private async writers(incident: IssueRecord, comments: readonly CommentRecord[], scope: string): Promise<Trust> {
    const listed = (text: string | null | undefined) => parseRetroChecklist(text ?? '', { scope }).hasSection;
    const authors = [incident, ...comments].filter((r) => listed(r.body)).map((r) => r.author);
    return trustOf(await authorityFor(this.deps).writersAmong(this.deps.gateway.repo, authors));
  }

  private sources(
    incident: IssueRecord,
    comments: readonly CommentRecord[],
    scope: string,
    trust: Trust,
  ): { sources: Source[]; untrusted: number } {
    const sources: Source[] = [];
    let untrusted = 0;
    // Anyone may open an issue from the form on a public repository; only people with write access define follow-ups.
    if (isTrustedIssue(incident, trust)) {
      sources.push({
        kind: 'body',
        id: incident.number,
        label: 'the incident description',
        text: incident.body,
        updatedAt: incident.updatedAt,
      });
    } else if (parseRetroChecklist(incident.body, { scope }).hasSection) {
      untrusted++;
    }
    for (const comment of comments) {
      if (isTrustedAuthor(comment, trust)) {
        sources.push({
          kind: 'comment',
          id: comment.id,
          label: comment.url,
          text: comment.body,
          updatedAt: comment.updatedAt,
        });
      } else if (parseRetroChecklist(comment.body, { scope }).hasSection) {
        untrusted++;
      }
    }
    return { sources, untrusted };
  }

  private async listFollowUps(since: string): Promise<IssueRecord[]> {
    // Follow-ups are created after their incident, so nothing older can be one of them.
    return this.deps.gateway.listIssues({ labels: [this.deps.config.labels.followUp], state: 'all', since });
  }

  private byKey(issues: readonly IssueRecord[], incidentNumber: number): Map<string, IssueRecord[]> {
    const map = new Map<string, IssueRecord[]>();
    for (const issue of issues) {
      const key = followUpKey(issue, incidentNumber);
      if (key) map.set(key, [...(map.get(key) ?? []), issue]);
    }
    return map;
  }

  private async assignable(warnings: string[]): Promise<Set<string>> {
    try {
      return new Set((await this.deps.gateway.listAssignable()).map((login) => login.toLowerCase()));
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      warnings.push(`Could not list who can be assigned (${error.message}); owners are mentioned instead.`);
      return new Set();
    }
  }

  private async create(
    incident: IssueRecord,
    item: RetroItem,
    assignable: ReadonlySet<string>,
  ): Promise<{ issue: IssueRecord; assigned: boolean }> {
    const { gateway, config, renderer } = this.deps;
    const drill = incident.labels.includes(config.labels.drill);
    const canAssign = item.owner !== undefined && assignable.has(item.owner.toLowerCase());
    const render = (assigned: boolean) =>
      `${formatMarker('follow-up', { key: item.key, incident: incident.number })}\n${renderer.render('follow-up', {
        incidentRef: `#${incident.number}`,
        incidentUrl: incident.url,
        incidentTitle: userLine(incident.title, 200),
        text: userMarkdown(item.text),
        owner: item.owner,
        assigned,
        due: item.due,
        priority: item.priority,
        type: item.type,
        drill,
      })}`;
    const title = `${drill ? '[drill] ' : ''}${plainTitle(item.text, 200)}`;
    const labels = [config.labels.followUp, ...(drill ? [config.labels.drill] : [])];
    if (canAssign && item.owner) {
      try {
        return {
          issue: await gateway.createIssue({ title, body: render(true), labels, assignees: [item.owner] }, item.key),
          assigned: true,
        };
      } catch (error) {
        // The assignable list can be stale (someone left the team): mention them instead.
        if (!(error instanceof GitHubError && error.code === 'validation')) throw error;
      }
    }
    return { issue: await gateway.createIssue({ title, body: render(false), labels }, item.key), assigned: false };
  }

  private async linkSubIssues(
    incidentNumber: number,
    located: readonly Located[],
    winners: ReadonlyMap<string, IssueRecord>,
    warnings: string[],
  ): Promise<void> {
    const wanted = located.flatMap(({ item }) => {
      const winner = item.checked ? undefined : winners.get(item.key);
      return winner && winner.state === 'open' ? [winner] : [];
    });
    if (wanted.length === 0) return;
    try {
      const linked = new Set((await this.deps.gateway.listSubIssues(incidentNumber)).map((i) => i.id));
      for (const child of wanted) {
        if (!linked.has(child.id)) await this.deps.gateway.addSubIssue(incidentNumber, child.id);
      }
    } catch (error) {
      if (!(error instanceof GitHubError) || !['not-found', 'validation'].includes(error.code)) throw error;
      warnings.push(
        `Could not link the follow-ups as sub-issues of #${incidentNumber} (${error.message}); they link back in their descriptions.`,
      );
    }
  }

  /** Annotates each item's line with its follow-up, re-reading the text just before writing it. */
  private async annotate(
    incidentNumber: number,
    located: readonly Located[],
    winners: ReadonlyMap<string, IssueRecord>,
    scope: string,
    warnings: string[],
  ): Promise<number> {
    const { gateway } = this.deps;
    const bySource = new Map<Source, { key: string; number: number }[]>();
    for (const { item, source } of located) {
      const winner = winners.get(item.key);
      if (item.checked || !winner || item.tracked === winner.number) continue;
      bySource.set(source, [...(bySource.get(source) ?? []), { key: item.key, number: winner.number }]);
    }
    let count = 0;
    for (const [source, notes] of bySource) {
      try {
        const current =
          source.kind === 'body'
            ? (await gateway.getIssue(incidentNumber)).body
            : (await gateway.listComments(incidentNumber, { since: source.updatedAt })).find((c) => c.id === source.id)
                ?.body;
        if (current === undefined) continue;
        let text = current;
        for (const note of notes) {
          const next = annotateItem(text, note.key, note.number, { scope });
          if (next !== undefined && next !== text) {
            text = next;
            count++;
          }
        }
        if (text === current) continue;
        if (source.kind === 'body') await gateway.updateIssue(incidentNumber, { body: text });
        else await gateway.updateComment(source.id, text);
      } catch (error) {
        if (!(error instanceof GitHubError)) throw error;
        warnings.push(
          `Could not annotate the checklist in ${source.label} (${error.message}); the follow-ups exist all the same.`,
        );
      }
    }
    return count;
  }
}

/** The Markdown report of a follow-ups run: what was created, what already existed, and lines that need fixing. */
export function renderFollowUpReport(result: FollowUpResult): string {
  const { incident } = result;
  const lines = [`## 📋 Follow-ups for [#${incident.number}](${incident.url}) ${userLine(incident.title, 120)}`, ''];
  if (!result.hasSection) {
    lines.push(
      'No `Follow-ups` or `Action items` heading found in the incident description or in comments by people with write access.',
      'Add one with task-list lines: `- [ ] what @owner due:YYYY-MM-DD priority:P2 type:corrective`.',
    );
  }
  if (result.created.length > 0) {
    const dryRun = result.created.every((c) => c.number === 0);
    const count = `${result.created.length} follow-up${result.created.length === 1 ? '' : 's'}`;
    lines.push(
      dryRun ? `Would create ${count} (dry run):` : `Created ${count}:`,
      '',
      '| Issue | Action item | Owner |',
      '|---|---|---|',
    );
    for (const c of result.created) {
      const owner = c.owner ? `@${c.owner}${c.assigned ? '' : ' (mentioned; not assignable)'}` : '_none_';
      lines.push(
        `| ${c.number > 0 ? `[#${c.number}](${c.url})` : '_(dry run)_'} | ${userLine(c.text, 200).replace(/\|/g, '\\|')} | ${owner} |`,
      );
    }
    lines.push('');
  } else if (result.hasSection) {
    lines.push('No new follow-ups: every open action item is tracked.', '');
  }
  if (result.existing.length > 0) {
    lines.push(
      `Already tracked: ${result.existing.map((e) => (e.number > 0 ? `#${e.number}` : userLine(e.text, 60))).join(', ')}.`,
      '',
    );
  }
  if (result.duplicatesClosed.length > 0) {
    lines.push(
      `Closed ${result.duplicatesClosed.map((d) => `#${d.number} (duplicate of #${d.duplicateOf})`).join(', ')}: another run created the same follow-up at the same time.`,
      '',
    );
  }
  if (result.problems.length > 0) {
    lines.push(
      `### ⚠️ ${result.problems.length} line${result.problems.length === 1 ? '' : 's'} not tracked: please fix`,
      '',
      '| Where | Line | Text | Problem |',
      '|---|---|---|---|',
    );
    for (const p of result.problems) {
      lines.push(
        `| ${p.source.startsWith('http') ? `[comment](${p.source})` : p.source} | ${p.line} | \`${p.text.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | ${userLine(p.message, 300).replace(/\|/g, '\\|')} |`,
      );
    }
    lines.push('');
  }
  if (result.untrustedSources > 0) {
    lines.push(
      `_Ignored action items in ${result.untrustedSources} place(s) written by people without write access to the repository._`,
      '',
    );
  }
  for (const warning of result.warnings) lines.push(`> [!WARNING]\n> ${userLine(warning, 500)}`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}
