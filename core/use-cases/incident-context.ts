// What every incident use case shares, made once per face from a Connection and the actor: where an incident lives
// (locate, prepare), writing an entry and its view together and converging them, the background checks to settle,
// and the per-run caches (grey labels, who may push). Each use case (see use-case.ts) takes one of these.
//
// A change is its comment (the truth) and the view write (body, labels, assignees): on an incident loaded with a
// current view both go out together, then one read checks that nobody wrote in between; by number, the issue and
// its comments are read together, the view is written after the comment and GitHub's answer is that check.
// Whoever finds the view behind the timeline rewrites it from a fresh fold (view-sync.ts).
import { randomUUID } from 'node:crypto';
import type { FirebreakConfig } from '../domain/config';
import { FirebreakError, GitHubError, InputError } from '../domain/errors';
import {
  applyEntry,
  changesState,
  entriesFromComments,
  entryFromComment,
  entryHash,
  isTrustedAuthor,
  readIncidentMarker,
  stateOnly,
} from '../domain/event-log';
import {
  repoSlug,
  shownState,
  type EntryVia,
  type Incident,
  type RepoRef,
  type TimelineEntry,
} from '../domain/incident';
import type { CommentRecord, IssueGateway, IssuePatch, IssueRecord } from '../github/issue-gateway';
import {
  assigneesFor,
  incidentFromComments,
  incidentFromIssue,
  isManagedLabel,
  labelsFor,
  managedLabelSpecs,
} from '../domain/issue-view';
import {
  desiredView,
  labelChange,
  stateEntries,
  viewDifferences,
  viewOfTimeline,
  ViewSync,
  withIssue,
  type DesiredView,
} from './view-sync';
import { stripControl } from '../domain/markdown';
import { knownPushers, reactionCandidates } from '../domain/reactions';
import { trustOf, type Trust } from '../domain/trust';
import type { Authority } from '../authority';
import { authorityFor, trustForComments, trustForIssue } from './writers';
import { renderEntryComment, type Renderer } from '../domain/render';

export interface IncidentContextDeps {
  readonly config: FirebreakConfig;
  /** Gateway to the repository where (public) incidents live. */
  readonly gateway: IssueGateway;
  /** Gateway to the private repository, when one is configured. */
  readonly privateGateway?: IssueGateway;
  readonly renderer: Renderer;
  /** GitHub login of the person (or bot) acting. */
  readonly actor: string;
  /** Whom entries speak for when written through a chat (Slack) or an agent (MCP), not the person's own client. */
  readonly via?: EntryVia;
  readonly now?: () => Date;
  readonly newKey?: () => string;
  /** How long the view write after a landed entry is retried while GitHub fails (default 20 s). */
  readonly viewBudgetMs?: number;
  /** Who may act (GitHub's permission), shared by the run's use cases; made over the gateways when absent. */
  readonly authority?: Authority;
}

/** Where a change starts from: the freshest state known, and what GitHub showed when it was read. */
export interface Basis {
  readonly gateway: IssueGateway;
  readonly number: number;
  /** The state folded over the first `folded` comments, on the incident as the edge holds it. */
  readonly incident: Incident;
  readonly folded: number;
  /** The issue as read for this change; absent when the edge's copy was used without a read. */
  readonly issue?: IssueRecord;
  /** The view GitHub shows lags the fold. */
  readonly behind: boolean;
  /** Entries the view does not show yet (after its marker's `through`): a rerun finds its own landed entry here. */
  readonly unshown: readonly TimelineEntry[];
}

/** An incident given by number (read first) or as loaded earlier (no extra read). */
export type IncidentRef = number | Incident;

export const TITLE_MAX = 200;
/** The color GitHub gives a label it creates because an issue used it. */
const GITHUB_DEFAULT_LABEL_COLOR = 'ededed';

export class IncidentContext {
  readonly config: FirebreakConfig;
  readonly now: () => Date;
  readonly newKey: () => string;
  /** Managed labels that GitHub answered with its default color, per repository, until syncLabels colors them. */
  readonly greyLabels = new Map<string, Set<string>>();
  private readonly checks = new Set<Promise<void>>();
  readonly authority: Authority;
  private checkFailures: unknown[] = [];

  constructor(readonly deps: IncidentContextDeps) {
    this.config = deps.config;
    this.now = deps.now ?? (() => new Date());
    this.newKey = deps.newKey ?? randomUUID;
    this.authority = authorityFor(deps);
  }

  /**
   * Waits for the checks that follow changes made on loaded incidents (did anyone write in between? then the view
   * is rewritten from the timeline), and throws the first failure. Edges that exit (CLI, Action) call it before
   * exiting; the extension lets them finish in the background.
   */
  async settle(): Promise<void> {
    while (this.checks.size > 0) await Promise.all([...this.checks]);
    const [failure] = this.checkFailures;
    this.checkFailures = [];
    if (failure !== undefined) throw failure;
  }

  get repo(): RepoRef {
    return this.deps.gateway.repo;
  }

  get actor(): string {
    return this.deps.actor;
  }

  /** The gateway to an incident's own repository; never another one (a private incident's entry must not go public). */
  gatewayFor(repo: RepoRef): IssueGateway {
    const { gateway, privateGateway } = this.deps;
    const slug = repoSlug(repo).toLowerCase();
    if (repoSlug(gateway.repo).toLowerCase() === slug) return gateway;
    if (privateGateway && repoSlug(privateGateway.repo).toLowerCase() === slug) return privateGateway;
    throw new InputError(
      `${repoSlug(repo)} is neither the incident repository (${repoSlug(gateway.repo)}) nor the private one here.`,
      `Act on ${repoSlug(repo)}'s incidents with that repository configured; nothing was written.`,
    );
  }

  /** Private incidents and drills never reach the status page: publishing one is a mistake worth stopping. */
  checkPublishable(incident: Incident, publishing: boolean): void {
    if (!publishing) return;
    if (incident.private)
      throw new InputError(
        `${repoSlug(incident.repo)}#${incident.number} is a private incident; it is never published.`,
        'Post the update without --public; declare a separate public incident if customers need to know.',
      );
    if (incident.drill)
      throw new InputError(
        `#${incident.number} is a drill; drills are never published.`,
        'Post the update without --public.',
      );
  }

  /**
   * Appends any entry (used by the Action for bypass records). A state entry names the head of the chain its incident
   * was read with (see event-log.ts). What GitHub answered decides: a comment by someone without push access is no
   * entry, whatever it says.
   */
  async append(ref: IncidentRef, entry: TimelineEntry): Promise<TimelineEntry> {
    const { gateway, number } = this.locate(ref);
    const chained = chainTo(ref, entry);
    // GitHub's permission for whoever writes, asked even when this process takes the token for Firebreak itself, and
    // asked for the actor (usually the token's login) while the comment is sent, so it costs no round trip.
    const early = this.authority.askedMayWrite(gateway.repo, this.deps.actor);
    const comment = await gateway.createComment(number, renderEntryComment(chained, this.deps.renderer), entry.key);
    const asked =
      comment.authorType === 'Bot' ||
      (comment.author.toLowerCase() === this.deps.actor.toLowerCase()
        ? await early
        : await this.authority.askedMayWrite(gateway.repo, comment.author));
    const trust = trustOf(asked ? [comment.author] : []);
    if (!isTrustedAuthor(comment, trust)) throw this.notRecorded(gateway, number, comment);
    return (
      entryFromComment(comment, trust) ?? {
        ...chained,
        hash: entryHash(chained),
        by: comment.author,
        commentId: comment.id,
        url: comment.url,
      }
    );
  }

  private notRecorded(gateway: IssueGateway, number: number, comment: CommentRecord): FirebreakError {
    const slug = repoSlug(gateway.repo);
    return new FirebreakError(
      'permission',
      `Not recorded: GitHub took the comment (${comment.url}), but @${comment.author} cannot push to ${slug} ` +
        `(GitHub's permission for them is not write, maintain or admin, or could not be read), so no reader ` +
        `counts it as an entry of ${slug}#${number}.`,
      `Ask an admin of ${slug} for write (or triage) access, or use a token of someone who has it; ` +
        'delete the comment on GitHub if it confuses people.',
    );
  }

  /** Notes the managed labels of an issue answer that still have GitHub's default color. */
  noteGreyLabels(repo: RepoRef, issue: IssueRecord): void {
    if (!issue.labelColors) return;
    const managed = new Set(managedLabelSpecs(this.config).map((spec) => spec.name));
    const grey = Object.entries(issue.labelColors).filter(
      ([name, color]) => color.toLowerCase() === GITHUB_DEFAULT_LABEL_COLOR && managed.has(name),
    );
    if (grey.length === 0) return;
    const slug = repoSlug(repo);
    const pending = this.greyLabels.get(slug) ?? new Set<string>();
    grey.forEach(([name]) => pending.add(name));
    this.greyLabels.set(slug, pending);
  }

  isIncidentIssue(issue: IssueRecord): boolean {
    return issue.labels.includes(this.config.labels.incident);
  }

  requireIncidentIssue(gateway: IssueGateway, issue: IssueRecord): void {
    if (!this.isIncidentIssue(issue)) {
      throw new InputError(
        `${repoSlug(gateway.repo)}#${issue.number} is not an incident.`,
        `Incidents carry the "${this.config.labels.incident}" label.`,
      );
    }
  }

  /** Key, time and author of a new entry; a caller-provided key and time make a retry (or a queued entry) land once. */
  stamp(key?: string, at?: string): { key: string; at: string; by: string; via?: EntryVia } {
    const via = this.deps.via ? { via: this.deps.via } : {};
    return { key: key ?? this.newKey(), at: at ?? this.now().toISOString(), by: this.deps.actor, ...via };
  }

  locate(ref: IncidentRef): { gateway: IssueGateway; number: number } {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref <= 0) throw new InputError(`"${ref}" is not an issue number.`);
      return { gateway: this.deps.gateway, number: ref };
    }
    return { gateway: this.gatewayFor(ref.repo), number: ref.number };
  }

  viewSync(gateway: IssueGateway): ViewSync {
    return new ViewSync({
      gateway,
      config: this.config,
      renderer: this.deps.renderer,
      authority: this.authority,
      ...(this.deps.viewBudgetMs !== undefined ? { budgetMs: this.deps.viewBudgetMs } : {}),
    });
  }

  /**
   * The state a change starts from. An incident the edge holds with a current view (its body folds every comment
   * the issue had, or its timeline was read) is used as it is; otherwise the issue and its comments are read
   * together, and when its view may lag (comments after what its body folds) the change starts from a fresh fold.
   */
  async prepare(ref: IncidentRef): Promise<Basis> {
    const { gateway, number } = this.locate(ref);
    if (typeof ref !== 'number' && ref.commentCount !== undefined) {
      const current = ref.timelineLoaded || ref.viewThrough === ref.commentCount;
      if (current) return { gateway, number, incident: ref, folded: ref.commentCount, behind: false, unshown: [] };
    }
    // What the fold may need, read together: a view that folds every comment makes the comments' read a spare
    // request, but a view behind the timeline (after any log entry) would otherwise cost a round trip more.
    const listed = gateway.listComments(number);
    listed.catch(() => undefined); // its failure counts only when the comments are used
    const issue = await gateway.getIssue(number);
    this.requireIncidentIssue(gateway, issue);
    const through = readIncidentMarker(issue.body)?.through;
    if (through === issue.comments) {
      const trust = await trustForIssue(this.authority, gateway.repo, issue);
      const incident = incidentFromIssue({ repo: gateway.repo, issue, config: this.config }, trust);
      const want = desiredView(this.config, this.deps.renderer, incident.declaration, incident, through);
      const behind = viewDifferences(issue, want, this.config, { assignees: false }).length > 0;
      return { gateway, number, incident, folded: issue.comments, issue, behind, unshown: [] };
    }
    const comments = await listed;
    const trust = await trustForIssue(this.authority, gateway.repo, issue, comments);
    const { incident, want } = viewOfTimeline(this.config, this.deps.renderer, issue, comments, gateway.repo, trust);
    const behind = viewDifferences(issue, want, this.config, { assignees: false }).length > 0;
    // Entries after what the body folds: a view that shows their fold is not behind, whatever they are.
    const unshown = behind && through !== undefined ? entriesFromComments(comments.slice(through), trust) : [];
    return { gateway, number, incident, folded: comments.length, issue, behind, unshown };
  }

  /** Whether an entry like this one, by this actor, is in the timeline but not yet in the view (a rerun). */
  landedHere(basis: Basis, like: (entry: TimelineEntry) => boolean): boolean {
    return basis.unshown.some((entry) => entry.by === this.deps.actor && like(entry));
  }

  /** Nothing new to record: when the view lags the timeline, bring it up to date instead of posting again. */
  async complete(basis: Basis): Promise<Incident> {
    if (!basis.behind) return basis.incident;
    const { incident } = await this.viewSync(basis.gateway).converge(basis.number);
    return basis.incident.timelineLoaded ? { ...incident, timeline: basis.incident.timeline } : incident;
  }

  /** A state-changing entry: the comment (the truth) and the view write, then a check that the view holds. */
  async change(
    basis: Basis,
    entry: TimelineEntry,
    closeAs: 'completed' | 'duplicate' = 'completed',
  ): Promise<Incident> {
    return basis.issue
      ? this.changeInOrder(basis, basis.issue, entry, closeAs)
      : this.changeTogether(basis, entry, closeAs);
  }

  /**
   * The issue was just read: comment, then the view of the fresh fold plus the entry. GitHub's answer to that write
   * comes after both, so it tells whether anyone else commented since the read.
   */
  private async changeInOrder(
    basis: Basis,
    issue: IssueRecord,
    entry: TimelineEntry,
    closeAs: 'completed' | 'duplicate' = 'completed',
  ): Promise<Incident> {
    const { gateway, number, incident } = basis;
    const posted = await this.append(incident, entry);
    const state = applyEntry(incident, posted);
    const want = desiredView(this.config, this.deps.renderer, incident.declaration, state, basis.folded + 1);
    const sync = this.viewSync(gateway);
    let written;
    try {
      // The label writes go out with the PATCH (one round trip); their answers and the PATCH's make the check.
      written = await sync.write(
        number,
        {
          body: want.body,
          labels: labelChange(issue, want, this.config),
          assignees: [...want.assignees],
          ...this.openOrClose(issue.state, want, closeAs),
        },
        { together: true },
      );
    } catch (error) {
      throw this.viewBehind(error, number, entry);
    }
    const assignees = !written.assigneesDropped;
    const updated = written.issue;
    this.noteGreyLabels(gateway.repo, updated);
    const held =
      updated.comments === basis.folded + 1 && viewDifferences(updated, want, this.config, { assignees }).length === 0;
    const result = held ? withIssue({ ...incident, ...state }, updated) : await this.converged(sync, number, entry);
    return this.withEntry(result, incident, posted);
  }

  /**
   * The edge holds the incident with a current view: the comment and the view write go out together (the entry's
   * key is made here, so neither waits for the other). If the comment fails, the view is brought back to the
   * timeline. Whether anyone else wrote in between only an answer after both can tell: one read follows in the
   * background (see `settle`).
   */
  private async changeTogether(
    basis: Basis,
    entry: TimelineEntry,
    closeAs: 'completed' | 'duplicate' = 'completed',
  ): Promise<Incident> {
    const { gateway, number, incident } = basis;
    // The entry as it will be recorded (chained to the head the incident shows, with its hash), so the body written
    // now names the head the timeline will have.
    const recorded = chainTo(incident, entry);
    const state = applyEntry(incident, { ...recorded, hash: entryHash(recorded), by: this.deps.actor });
    const want = desiredView(this.config, this.deps.renderer, incident.declaration, state, basis.folded + 1);
    const shown = shownState(incident.declaration, incident);
    const before = labelsFor(shown, this.config).filter((l) => isManagedLabel(l, this.config.labels));
    const adds = want.managed.filter((l) => !before.includes(l));
    const removes = before.filter((l) => !want.managed.includes(l));
    const assigneesChange = !sameMembers(assigneesFor(shown), want.assignees);
    const sync = this.viewSync(gateway);
    // Labels only when a family changes (an update or a handoff leaves them alone), one request per label added or
    // removed, sent with the PATCH: never a whole set as the edge read it, which would drop labels set since.
    const comment = this.append(incident, recorded);
    const view = sync.write(
      number,
      {
        body: want.body,
        labels: { add: adds, remove: removes },
        ...(assigneesChange ? { assignees: [...want.assignees] } : {}),
        ...this.openOrClose(incident.open ? 'open' : 'closed', want, closeAs),
      },
      { together: true },
    );
    const [posted, written] = await Promise.allSettled([comment, view]);
    if (posted.status === 'rejected') {
      // The view may show a change that is not in the timeline: put it back before saying the change failed.
      await sync.converge(number).catch(() => undefined);
      throw posted.reason;
    }
    if (written.status === 'rejected') throw this.viewBehind(written.reason, number, entry);
    const updated = written.value.issue;
    this.noteGreyLabels(gateway.repo, updated);
    this.checkLater(basis, sync, want, !written.value.assigneesDropped, entry.key);
    return this.withEntry(
      withIssue({ ...incident, ...applyEntry(incident, posted.value) }, { ...updated, comments: basis.folded + 1 }),
      incident,
      posted.value,
    );
  }

  /**
   * After a change made together, an answer read after all its writes shows whether the view holds: the issue shows
   * the view we wrote, and its comments after those the basis folded (ours, and any posted since the edge read the
   * incident) fold onto the basis into that same view. Otherwise the view is rewritten from the timeline.
   */
  private checkLater(basis: Basis, sync: ViewSync, want: DesiredView, assignees: boolean, key: string): void {
    const { gateway, number, incident, folded } = basis;
    const check: Promise<void> = (async () => {
      const issue = await gateway.getIssue(number);
      if (viewDifferences(issue, want, this.config, { assignees }).length === 0) {
        if (issue.comments === folded + 1) return;
        // More comments than expected (log entries, or changes the incident held by the edge does not count yet):
        // the view still holds when the changes among them, applied in order onto what was folded, give it too.
        const tail = await gateway.listComments(number, { skip: folded });
        const changes = stateEntries(tail, await trustForComments(this.authority, gateway.repo, tail));
        if (tail.length === issue.comments - folded && changes.some((e) => e.key === key)) {
          const state = changes.reduce((s, e) => applyEntry(s, e), stateOnly(incident));
          const again = desiredView(this.config, this.deps.renderer, incident.declaration, state, folded + 1);
          if (viewDifferences(issue, again, this.config, { assignees }).length === 0) return;
        }
      }
      await sync.converge(number);
    })()
      .catch((error: unknown) => void this.checkFailures.push(error))
      .finally(() => this.checks.delete(check));
    this.checks.add(check);
  }

  private async converged(sync: ViewSync, number: number, entry: TimelineEntry): Promise<Incident> {
    try {
      return (await sync.converge(number)).incident;
    } catch (error) {
      throw this.viewBehind(error, number, entry);
    }
  }

  private openOrClose(
    current: 'open' | 'closed',
    want: DesiredView,
    closeAs: 'completed' | 'duplicate' = 'completed',
  ): Partial<Pick<IssuePatch, 'state' | 'stateReason'>> {
    if (current === want.state) return {};
    return want.state === 'closed'
      ? { state: 'closed', stateReason: closeAs }
      : { state: 'open', stateReason: 'reopened' };
  }

  private withEntry(result: Incident, before: Incident, posted: TimelineEntry): Incident {
    return {
      ...result,
      timeline: before.timelineLoaded ? [...before.timeline, posted] : result.timeline,
      timelineLoaded: before.timelineLoaded || result.timelineLoaded,
    };
  }

  /** The entry landed but the view could not be written: say so, and how to finish the job. */
  private viewBehind(error: unknown, number: number, entry: TimelineEntry): unknown {
    if (!(error instanceof GitHubError)) return error;
    return new GitHubError(
      error.code,
      `The ${entry.kind} entry is recorded on #${number}, but its labels and body are behind the timeline: ${error.message}`,
      error.status,
      `Do not record it again. Run \`firebreak repair ${number}\` when GitHub answers; the status Action repairs it too.`,
      { cause: error },
    );
  }

  async withTimeline(ref: IncidentRef): Promise<Incident> {
    const { gateway, number } = this.locate(ref);
    const [issue, comments] = await Promise.all([gateway.getIssue(number), gateway.listComments(number)]);
    this.requireIncidentIssue(gateway, issue);
    // A lookup that fails leaves its author untrusted for state, and the read goes on: `show` always works.
    const trust = await trustForIssue(this.authority, gateway.repo, issue, comments);
    const marked = await this.markedComments(gateway, comments, trust);
    const located = { repo: gateway.repo, issue, config: this.config };
    return incidentFromComments(located, comments, trust, marked).incident;
  }

  /**
   * Discussion comments someone with write access reacted to with the timeline reaction. The counts come with the
   * comments: reactors are listed only where the reaction is (one request each), and a reactor's access is asked of
   * GitHub only when no trusted comment of theirs on the issue shows it already (cached for the service's life).
   */
  private async markedComments(
    gateway: IssueGateway,
    comments: readonly CommentRecord[],
    trust: Trust,
  ): Promise<Map<number, string[]>> {
    const reaction = this.config.timelineReaction;
    const marked = new Map<number, string[]>();
    const candidates = reactionCandidates(comments, reaction);
    if (!reaction || candidates.length === 0) return marked;
    const known = knownPushers(comments, trust);
    for (const comment of candidates) {
      const reactors = await gateway.listReactions(comment.id, reaction);
      const trusted: string[] = [];
      for (const login of reactors)
        if (known.has(login.toLowerCase()) || (await this.authority.mayWrite(gateway.repo, login))) trusted.push(login);
      if (trusted.length > 0) marked.set(comment.id, trusted);
    }
    return marked;
  }
}

/** A state entry names the head of the chain its incident shows (see event-log.ts); others go as they are. */
function chainTo(ref: IncidentRef, entry: TimelineEntry): TimelineEntry {
  const head = typeof ref === 'number' ? undefined : ref.head;
  return changesState(entry) && head !== undefined && entry.prev === undefined ? { ...entry, prev: head } : entry;
}

export function normalizeLogin(login: string): string {
  const value = login.trim().replace(/^@/, '');
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(value)) {
    throw new InputError(
      `"${login}" is not a GitHub login.`,
      'Use a GitHub username like octocat (with or without @).',
    );
  }
  return value;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** A public title as given (trimmed, one line, bounded), or nothing. */
export function publicTitleOf(text: string | undefined): { publicTitle?: string } {
  const title = stripControl(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!title) return {};
  return { publicTitle: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title };
}
