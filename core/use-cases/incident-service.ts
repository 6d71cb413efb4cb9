// The incident use cases every edge calls: declare, log, update, severity, roles, resolve, retro, show, list and
// repair. Declare and log are one request. A change is its comment (the truth) and the view write (body, labels,
// assignees): on an incident loaded with a current view both go out together, then one read checks that nobody
// wrote in between; by number, the view is written after the comment and GitHub's answer is that check. Whoever
// finds the view behind the timeline rewrites it from a fresh fold (view-sync.ts).
import { randomUUID } from 'node:crypto';
import { requireRole, requireSeverity, TRIAGE_SEVERITY, type FirebreakConfig } from '../domain/config';
import { FirebreakError, GitHubError, InputError } from '../domain/errors';
import {
  applyEntry,
  changesState,
  entriesFromComments,
  entryFromComment,
  entryHash,
  initialState,
  isTrustedAuthor,
  readIncidentMarker,
  stateOnly,
} from '../domain/event-log';
import {
  isActive,
  isLogKind,
  isUnacknowledged,
  isMilestone,
  LEAD,
  repoSlug,
  type AlertRef,
  type CodeRef,
  type Declaration,
  type EntryVia,
  type Incident,
  type LogKind,
  type Milestone,
  type RepoRef,
  type TimelineEntry,
} from '../domain/incident';
import type { CommentRecord, IssueGateway, IssuePatch, IssueRecord } from '../github/issue-gateway';
import {
  assigneesFor,
  hasLabel,
  incidentFromComments,
  incidentFromIssue,
  isManagedLabel,
  labelsFor,
  managedLabelSpecs,
} from '../domain/issue-view';
import {
  desiredView,
  fullLabels,
  stateEntries,
  viewDifferences,
  viewOfTimeline,
  ViewSync,
  withIssue,
  type DesiredView,
} from './view-sync';
import { stripControl } from '../domain/markdown';
import { knownPushers, reactionCandidates } from '../domain/reactions';
import { DEFAULT_BREAK_MINUTES } from '../domain/people';
import { PeopleReminders, type RetroDueRow } from './people-reminders';
import { similarIncidents, type DraftIncident, type SimilarIncident } from '../domain/similar';
import {
  boundedDescription,
  renderEntryComment,
  renderIncidentBody,
  renderRetro,
  type Renderer,
} from '../domain/render';

export interface IncidentServiceDeps {
  readonly config: FirebreakConfig;
  /** Gateway to the repository where (public) incidents live. */
  readonly gateway: IssueGateway;
  /** Gateway to the private repository, when one is configured. */
  readonly privateGateway?: IssueGateway;
  readonly renderer: Renderer;
  /** GitHub login of the person (or bot) acting. */
  readonly actor: string;
  readonly now?: () => Date;
  readonly newKey?: () => string;
  /** How long the view write after a landed entry is retried while GitHub fails (default 20 s). */
  readonly viewBudgetMs?: number;
  /** Whom the entries speak for when a chat writes with the server's credentials ("@login via Slack"). */
  readonly via?: EntryVia;
}

/** Where a change starts from: the freshest state known, and what GitHub showed when it was read. */
interface Basis {
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

export interface DeclareInput {
  readonly title: string;
  readonly severity?: string;
  readonly description?: string;
  readonly lead?: string;
  readonly services?: readonly string[];
  readonly private?: boolean;
  readonly drill?: boolean;
  readonly key?: string;
  /** The title customers see on the status page, if not the title. */
  readonly publicTitle?: string;
  /** Declared from a monitoring alert (see core/use-cases/alerts.ts). */
  readonly alert?: AlertRef;
}

export interface LogInput {
  readonly kind: LogKind;
  readonly text: string;
  readonly destructive?: boolean;
  readonly code?: CodeRef;
  /** Reuse a key to make a retry (e.g. from an offline queue) land once. */
  readonly key?: string;
  /** When it happened, if earlier than now (queued offline). */
  readonly at?: string;
}

export interface UpdateInput {
  readonly text: string;
  readonly status?: Milestone;
  readonly nextUpdateBy?: string;
  readonly key?: string;
  /** Publish it on the status page. */
  readonly public?: boolean;
  /** The title customers see from now on. */
  readonly publicTitle?: string;
}

/** An incident given by number (read first) or as loaded earlier (no extra read). */
export type IncidentRef = number | Incident;

const TITLE_MAX = 200;
/** The color GitHub gives a label it creates because an issue used it. */
const GITHUB_DEFAULT_LABEL_COLOR = 'ededed';

export class IncidentService {
  readonly config: FirebreakConfig;
  private readonly now: () => Date;
  private readonly newKey: () => string;
  /** Managed labels that GitHub answered with its default color, per repository, until syncLabels colors them. */
  private readonly greyLabels = new Map<string, Set<string>>();
  private readonly checks = new Set<Promise<void>>();
  /** Whether a reactor can push, per repository and login (see markedComments). */
  private readonly pushers = new Map<string, Promise<boolean>>();
  private checkFailures: unknown[] = [];

  constructor(private readonly deps: IncidentServiceDeps) {
    this.config = deps.config;
    this.now = deps.now ?? (() => new Date());
    this.newKey = deps.newKey ?? randomUUID;
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

  /** Declares an incident: one request that creates the issue with its labels, lead assignee and body. */
  async declare(input: DeclareInput): Promise<Incident> {
    const title = stripControl(input.title).replace(/\s+/g, ' ').trim();
    if (!title)
      throw new InputError(
        'An incident needs a title.',
        'Say in a few words what is wrong, e.g. "Checkout returns 500s".',
      );
    const severity = input.severity ? requireSeverity(this.config, input.severity).name : TRIAGE_SEVERITY.name;
    const services = [...new Set(input.services ?? [])];
    this.checkServices(services);
    const gateway = this.gatewayForDeclare(input.private === true);
    const lead = normalizeLogin(input.lead ?? this.deps.actor);
    const declaration: Declaration = {
      key: input.key ?? this.newKey(),
      title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
      description: boundedDescription(stripControl(input.description ?? '').trim()),
      severity,
      lead,
      declaredBy: this.deps.actor,
      declaredAt: this.now().toISOString(),
      private: input.private === true,
      drill: input.drill === true,
      services,
      ...publicTitleOf(input.publicTitle),
      ...(input.alert ? { alert: input.alert } : {}),
    };
    const state = initialState(declaration);
    const issue = await this.createWithAssigneeFallback(
      gateway,
      {
        title: `${declaration.drill ? '[drill] ' : ''}${declaration.title}`,
        body: renderIncidentBody(declaration, state, this.config, this.deps.renderer, 0),
        labels: labelsFor(state, this.config),
        assignees: assigneesFor(state),
      },
      declaration.key,
    );
    // GitHub drops the labels of people who cannot push without a word: what it answered is what happened.
    if (!this.isIncidentIssue(issue)) {
      const slug = repoSlug(gateway.repo);
      throw new FirebreakError(
        'permission',
        `Not declared: GitHub opened ${slug}#${issue.number} but dropped its labels and assignees, because ` +
          `@${issue.author} cannot label new issues in ${slug} (that needs write access). ` +
          `#${issue.number} is an ordinary issue, not an incident: nothing freezes and nobody is paged.`,
        `Ask someone with write access to ${slug} to declare it (or to take #${issue.number}), or ask an admin for ` +
          'write access; you may close the issue.',
      );
    }
    this.noteGreyLabels(gateway.repo, issue);
    return incidentFromIssue({ repo: gateway.repo, issue, config: this.config });
  }

  /**
   * Logs an entry: one request (a comment). The body does not change, so nothing else is written, except the code
   * label on the first entry that points at code.
   */
  async log(ref: IncidentRef, input: LogInput): Promise<TimelineEntry> {
    if (!isLogKind(input.kind))
      throw new InputError(
        `Unknown entry kind "${String(input.kind)}".`,
        'Use action, observation, decision, question or theory.',
      );
    const text = stripControl(input.text).trim();
    if (!text) throw new InputError('The entry is empty.', 'Write what you did, saw, decided, asked or suspect.');
    const entry: TimelineEntry = {
      kind: input.kind,
      ...this.stamp(input.key, input.at),
      text,
      ...(input.destructive ? { destructive: true } : {}),
      ...(input.code ? { code: input.code } : {}),
    };
    if (!input.code || (typeof ref !== 'number' && hasLabel(ref.otherLabels, this.config.labels.code)))
      return this.append(ref, entry);
    // The first reference to code also labels the incident, so history lists only those (see hasCodeRefs). Both go
    // out together; the label is a view like the others, so a failed one does not fail the entry: `repair` (or the
    // next change, which finds the view behind) puts it on.
    const { gateway, number } = this.locate(ref);
    const [posted] = await Promise.all([
      this.append(ref, entry),
      gateway.addLabels(number, [this.config.labels.code]).catch(() => undefined),
    ]);
    return posted;
  }

  /** Posts a status update (and optionally moves the milestone): a comment, then the body and labels. */
  async postUpdate(ref: IncidentRef, input: UpdateInput): Promise<Incident> {
    const text = stripControl(input.text).trim();
    if (!text)
      throw new InputError(
        'The update is empty.',
        'Say the current status, the impact, what is being done and when the next update comes.',
      );
    if (input.status && !isMilestone(input.status))
      throw new InputError(
        `Unknown status "${input.status}".`,
        'Use investigating, identified, monitoring or resolved.',
      );
    const basis = await this.prepare(ref);
    const publicTitle = publicTitleOf(input.publicTitle);
    this.checkPublishable(basis.incident, input.public === true || publicTitle.publicTitle !== undefined);
    const landed = basis.unshown.find(
      (e) =>
        e.kind === 'update' &&
        e.by === this.deps.actor &&
        e.text === text &&
        e.status === input.status &&
        (e.public === true) === (input.public === true),
    );
    if (landed && !input.key) return this.complete(basis);
    return this.change(basis, {
      kind: 'update',
      ...this.stamp(input.key),
      text,
      ...(input.status ? { status: input.status } : {}),
      ...(input.nextUpdateBy ? { nextUpdateBy: input.nextUpdateBy } : {}),
      ...(input.public ? { public: true } : {}),
      ...publicTitle,
    });
  }

  async setStatus(ref: IncidentRef, to: Milestone, text?: string): Promise<Incident> {
    if (!isMilestone(to))
      throw new InputError(`Unknown status "${String(to)}".`, 'Use investigating, identified, monitoring or resolved.');
    const basis = await this.prepare(ref);
    const incident = basis.incident;
    if (incident.status === to && this.landedHere(basis, (e) => e.kind === 'status' && e.to === to))
      return this.complete(basis);
    return this.change(basis, {
      kind: 'status',
      ...this.stamp(),
      from: incident.status,
      to,
      ...(text ? { text: stripControl(text).trim() } : {}),
    });
  }

  async setSeverity(ref: IncidentRef, severityName: string, reason?: string): Promise<Incident> {
    const severity = requireSeverity(this.config, severityName);
    const basis = await this.prepare(ref);
    const incident = basis.incident;
    // Already so in the timeline (a rerun after its view write failed, or someone was faster): complete the view.
    if (incident.severity === severity.name) return this.complete(basis);
    return this.change(basis, {
      kind: 'severity',
      ...this.stamp(),
      from: incident.severity,
      to: severity.name,
      ...(reason ? { reason: stripControl(reason).trim() } : {}),
    });
  }

  /** Gives a role to someone; when someone else held it, that is recorded as a handoff. */
  async assignRole(ref: IncidentRef, roleName: string, login: string, note?: string): Promise<Incident> {
    const role = requireRole(this.config, roleName).name;
    const to = normalizeLogin(login);
    const basis = await this.prepare(ref);
    const from = basis.incident.roles[role];
    if (from === to) return this.complete(basis);
    const base = this.stamp();
    // Taking an alert's incident is the first person on it, not a handoff from the receiver: a role entry.
    const taking = role === LEAD && isUnacknowledged(basis.incident);
    const entry: TimelineEntry =
      from && !taking
        ? { ...base, kind: 'handoff', role, from, to, ...(note ? { note: stripControl(note).trim() } : {}) }
        : { ...base, kind: 'role', role, login: to };
    return this.change(basis, entry);
  }

  async releaseRole(ref: IncidentRef, roleName: string): Promise<Incident> {
    const role = requireRole(this.config, roleName).name;
    if (role === LEAD)
      throw new InputError('The lead role is always staffed.', 'Hand it over to someone else instead.');
    const basis = await this.prepare(ref);
    if (!basis.incident.roles[role]) return this.complete(basis);
    return this.change(basis, { kind: 'role', ...this.stamp(), role });
  }

  /**
   * Resolves: a final update entry, then the issue is closed with its body and labels current. `public` publishes
   * the final text on the status page (a published incident shows as resolved there either way).
   */
  async resolve(
    ref: IncidentRef,
    text?: string,
    options: { readonly public?: boolean; readonly duplicate?: boolean } = {},
  ): Promise<Incident> {
    const basis = await this.prepare(ref);
    this.checkPublishable(basis.incident, options.public === true);
    const finalText = stripControl(text ?? '').trim() || 'Resolved.';
    if (this.landedHere(basis, (e) => e.kind === 'update' && e.status === 'resolved' && e.text === finalText))
      return this.complete(basis);
    // A duplicate closes as GitHub's "duplicate" (state_reason counts only with the change of state).
    return this.change(
      basis,
      {
        kind: 'update',
        ...this.stamp(),
        text: finalText,
        status: 'resolved',
        ...(options.public ? { public: true } : {}),
      },
      options.duplicate ? 'duplicate' : 'completed',
    );
  }

  /** Private incidents and drills never reach the status page: publishing one is a mistake worth stopping. */
  private checkPublishable(incident: Incident, publishing: boolean): void {
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

  async reopen(ref: IncidentRef, text?: string): Promise<Incident> {
    const basis = await this.prepare(ref);
    const reopenText = stripControl(text ?? '').trim() || 'Reopened.';
    if (
      basis.incident.status === 'investigating' &&
      this.landedHere(basis, (e) => e.kind === 'status' && e.to === 'investigating' && e.text === reopenText)
    )
      return this.complete(basis);
    return this.change(basis, {
      kind: 'status',
      ...this.stamp(),
      from: basis.incident.status,
      to: 'investigating',
      text: reopenText,
    });
  }

  /** The retro document for an incident (not posted). */
  async draftRetro(ref: IncidentRef): Promise<string> {
    const incident = await this.withTimeline(ref);
    return renderRetro(
      { url: incident.url, state: incident, timeline: incident.timeline, now: this.now() },
      this.deps.renderer,
    );
  }

  /** Posts a retro document as a timeline entry (one request). */
  async postRetro(ref: IncidentRef, markdown: string, key?: string): Promise<TimelineEntry> {
    const text = stripControl(markdown).trim();
    if (!text) throw new InputError('The retro document is empty.');
    return this.append(ref, { kind: 'retro', ...this.stamp(key), text });
  }

  /** Skips the retro, saying why: a `retro` entry that clears the retro reminder (one request). */
  async skipRetro(ref: IncidentRef, why: string, key?: string): Promise<TimelineEntry> {
    const text = stripControl(why).trim();
    if (!text)
      throw new InputError(
        'Say why the retro is skipped.',
        'e.g. "Duplicate of #12, whose retro covers it" or "False alarm: nothing broke".',
      );
    return this.append(ref, { kind: 'retro', ...this.stamp(key), text, skipped: true });
  }

  /** Calls a break for the team: a `break` entry with its length and who called it (one request). */
  async callBreak(
    ref: IncidentRef,
    input: { minutes?: number; text?: string; key?: string } = {},
  ): Promise<TimelineEntry> {
    const minutes = input.minutes ?? DEFAULT_BREAK_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240)
      throw new InputError(`A break of ${minutes} minutes?`, 'Give a break length from 1 to 240 minutes, e.g. 15.');
    const text = stripControl(input.text ?? '').trim();
    return this.append(ref, { kind: 'break', ...this.stamp(input.key), minutes, ...(text ? { text } : {}) });
  }

  /**
   * Retros due on recently resolved incidents of the incident repository (see PeopleReminders.retros): one list
   * request, and one timeline read per incident whose retro is due or overdue.
   */
  async retrosDue(): Promise<RetroDueRow[]> {
    const now = this.now();
    const { gateway, renderer } = this.deps;
    const closed = await gateway.listIssues({
      labels: [this.config.labels.incident],
      state: 'closed',
      // By the day, so that polling asks the same question (and GitHub answers 304) all day.
      since: new Date(Math.floor((now.getTime() - 45 * 86_400_000) / 86_400_000) * 86_400_000).toISOString(),
    });
    const people = new PeopleReminders({ gateway, config: this.config, renderer, now: () => now });
    return (await people.retros(closed, now, [], false)).rows;
  }

  /**
   * Active incidents that look like the one about to be declared (shared service or similar title). Pass the list an
   * edge already holds (the extension's) to spend no request; otherwise it is one list request.
   */
  async similarTo(draft: DraftIncident, active?: readonly Incident[]): Promise<SimilarIncident[]> {
    const list = active ?? (await this.listActive({ includePrivate: draft.private === true }));
    return similarIncidents({ ...draft, title: stripControl(draft.title) }, list);
  }

  /**
   * Appends any entry (used by the Action for bypass records). A state entry names the head of the chain its incident
   * was read with (see event-log.ts). What GitHub answered decides: a comment by someone without push access is no
   * entry, whatever it says.
   */
  async append(ref: IncidentRef, entry: TimelineEntry): Promise<TimelineEntry> {
    const { gateway, number } = this.locate(ref);
    const chained = chainTo(ref, entry);
    const comment = await gateway.createComment(number, renderEntryComment(chained, this.deps.renderer), entry.key);
    if (!isTrustedAuthor(comment)) throw this.notRecorded(gateway, number, comment);
    return (
      entryFromComment(comment) ?? {
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
        `(association ${comment.authorAssociation}), so no reader counts it as an entry of ${slug}#${number}.`,
      `Ask an admin of ${slug} for write (or triage) access, or use a token of someone who has it; ` +
        'delete the comment on GitHub if it confuses people.',
    );
  }

  /** The folded incident with its whole timeline: the issue plus ⌈comments/100⌉ comment pages. */
  async show(ref: IncidentRef): Promise<Incident> {
    return this.withTimeline(ref);
  }

  /** Active incidents, newest first, from one list request (more only past 100): the state cached in bodies. */
  async listActive(options: { includePrivate?: boolean } = {}): Promise<Incident[]> {
    const gateways = [
      this.deps.gateway,
      ...(options.includePrivate && this.deps.privateGateway ? [this.deps.privateGateway] : []),
    ];
    const lists = await Promise.all(
      gateways.map(async (gateway) =>
        (await gateway.listIssues({ labels: [this.config.labels.incident], state: 'open' })).map((issue) =>
          incidentFromIssue({ repo: gateway.repo, issue, config: this.config }),
        ),
      ),
    );
    return lists
      .flat()
      .filter(isActive)
      .sort((a, b) => Date.parse(b.timestamps.declared) - Date.parse(a.timestamps.declared));
  }

  /**
   * Recomputes the body, labels, assignees and open/closed state from the comments; writes only the parts that
   * differ, and again while someone else writes at the same time, until GitHub shows the view of every entry.
   */
  async repair(ref: IncidentRef): Promise<{ incident: Incident; changed: string[] }> {
    const { gateway, number } = this.locate(ref);
    this.requireIncidentIssue(gateway, await gateway.getIssue(number));
    // Repair rewrites labels and body from the timeline: never from a timeline someone rewrote.
    return this.viewSync(gateway).converge(number, {
      refuseEdited: (incident) => this.refuseEditedHistory(gateway, incident),
    });
  }

  /**
   * Gives the managed labels their colors and descriptions. GitHub creates a missing label on first use with its
   * grey default, and every issue answer carries each label's color: the labels that came back grey from this
   * service's writes are the only ones written here, so a repository whose labels are set up costs no request.
   */
  async syncLabels(repo: RepoRef = this.repo): Promise<number> {
    const slug = repoSlug(repo);
    const pending = this.greyLabels.get(slug);
    if (!pending || pending.size === 0) return 0;
    const gateway = this.gatewayFor(repo);
    const specs = managedLabelSpecs(this.config).filter((spec) => pending.has(spec.name));
    let written = 0;
    for (const spec of specs) {
      await gateway.upsertLabel(spec);
      pending.delete(spec.name);
      written++;
    }
    return written;
  }

  /** Notes the managed labels of an issue answer that still have GitHub's default color. */
  private noteGreyLabels(repo: RepoRef, issue: IssueRecord): void {
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

  /** Repair rewrites labels and body from the timeline: never from a timeline someone rewrote. */
  private refuseEditedHistory(gateway: IssueGateway, incident: Incident): void {
    const edited = incident.editedEntries ?? [];
    if (edited.length === 0) return;
    throw new FirebreakError(
      'conflict',
      `${repoSlug(gateway.repo)}#${incident.number}: ${edited.length === 1 ? 'an entry was' : `${edited.length} entries were`} ` +
        `edited after ${edited.length === 1 ? 'it was' : 'they were'} written (${edited.map((e) => e.url ?? e.key).join(', ')}). ` +
        'Repair does not follow a rewritten history; labels and body keep the state recorded before the edit.',
      'Restore the comment from its edit history on GitHub, or record the change again as a new entry ' +
        `(e.g. firebreak severity ${incident.number} <severity>).`,
    );
  }

  isIncidentIssue(issue: IssueRecord): boolean {
    return issue.labels.includes(this.config.labels.incident);
  }

  private requireIncidentIssue(gateway: IssueGateway, issue: IssueRecord): void {
    if (!this.isIncidentIssue(issue)) {
      throw new InputError(
        `${repoSlug(gateway.repo)}#${issue.number} is not an incident.`,
        `Incidents carry the "${this.config.labels.incident}" label.`,
      );
    }
  }

  /** Key, time and author of a new entry; a caller-provided key and time make a retry (or a queued entry) land once. */
  private stamp(key?: string, at?: string): { key: string; at: string; by: string; via?: EntryVia } {
    const via = this.deps.via ? { via: this.deps.via } : {};
    return { key: key ?? this.newKey(), at: at ?? this.now().toISOString(), by: this.deps.actor, ...via };
  }

  private gatewayForDeclare(isPrivate: boolean): IssueGateway {
    if (!isPrivate) return this.deps.gateway;
    if (!this.deps.privateGateway) {
      throw new InputError(
        'This incident is private, but no private repository is configured.',
        `Set private-repository: owner/name in ${this.config.source}, so private incidents never land in a public repository.`,
      );
    }
    return this.deps.privateGateway;
  }

  private checkServices(services: readonly string[]): void {
    if (this.config.services.length === 0) return;
    const unknown = services.filter((s) => !this.config.services.some((c) => c.name === s));
    if (unknown.length > 0) {
      throw new InputError(
        `Unknown service ${unknown.map((s) => `"${s}"`).join(', ')}.`,
        `Use one of: ${this.config.services.map((s) => s.name).join(', ')}.`,
      );
    }
  }

  private locate(ref: IncidentRef): { gateway: IssueGateway; number: number } {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref <= 0) throw new InputError(`"${ref}" is not an issue number.`);
      return { gateway: this.deps.gateway, number: ref };
    }
    return { gateway: this.gatewayFor(ref.repo), number: ref.number };
  }

  private viewSync(gateway: IssueGateway): ViewSync {
    return new ViewSync({
      gateway,
      config: this.config,
      renderer: this.deps.renderer,
      ...(this.deps.viewBudgetMs !== undefined ? { budgetMs: this.deps.viewBudgetMs } : {}),
    });
  }

  /**
   * The state a change starts from. An incident the edge holds with a current view (its body folds every comment
   * the issue had, or its timeline was read) is used as it is; otherwise the issue is read, and when its view may
   * lag (comments after what its body folds) the comments too, so the change starts from a fresh fold.
   */
  private async prepare(ref: IncidentRef): Promise<Basis> {
    const { gateway, number } = this.locate(ref);
    if (typeof ref !== 'number' && ref.commentCount !== undefined) {
      const current = ref.timelineLoaded || ref.viewThrough === ref.commentCount;
      if (current) return { gateway, number, incident: ref, folded: ref.commentCount, behind: false, unshown: [] };
    }
    const issue = await gateway.getIssue(number);
    this.requireIncidentIssue(gateway, issue);
    const through = readIncidentMarker(issue.body)?.through;
    if (through === issue.comments) {
      const incident = incidentFromIssue({ repo: gateway.repo, issue, config: this.config });
      const want = desiredView(this.config, this.deps.renderer, incident.declaration, incident, through);
      const behind = viewDifferences(issue, want, this.config, { assignees: false }).length > 0;
      return { gateway, number, incident, folded: issue.comments, issue, behind, unshown: [] };
    }
    const comments = await gateway.listComments(number);
    const { incident, want } = viewOfTimeline(this.config, this.deps.renderer, issue, comments, gateway.repo);
    const behind = viewDifferences(issue, want, this.config, { assignees: false }).length > 0;
    // Entries after what the body folds: a view that shows their fold is not behind, whatever they are.
    const unshown = behind && through !== undefined ? entriesFromComments(comments.slice(through)) : [];
    return { gateway, number, incident, folded: comments.length, issue, behind, unshown };
  }

  /** Whether an entry like this one, by this actor, is in the timeline but not yet in the view (a rerun). */
  private landedHere(basis: Basis, like: (entry: TimelineEntry) => boolean): boolean {
    return basis.unshown.some((entry) => entry.by === this.deps.actor && like(entry));
  }

  /** Nothing new to record: when the view lags the timeline, bring it up to date instead of posting again. */
  private async complete(basis: Basis): Promise<Incident> {
    if (!basis.behind) return basis.incident;
    const { incident } = await this.viewSync(basis.gateway).converge(basis.number);
    return basis.incident.timelineLoaded ? { ...incident, timeline: basis.incident.timeline } : incident;
  }

  /** A state-changing entry: the comment (the truth) and the view write, then a check that the view holds. */
  private async change(
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
      written = await sync.write(number, {
        body: want.body,
        labels: fullLabels(issue, want, this.config),
        assignees: [...want.assignees],
        ...this.openOrClose(issue.state, want, closeAs),
      });
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
    const before = labelsFor(incident, this.config).filter((l) => isManagedLabel(l, this.config.labels));
    const adds = want.managed.filter((l) => !before.includes(l));
    const removes = before.filter((l) => !want.managed.includes(l));
    const assigneesChange = !sameMembers(assigneesFor(incident), want.assignees);
    const sync = this.viewSync(gateway);
    // Labels only when a family changes (an update or a handoff leaves them alone), with everyone else's labels as
    // the edge holds them. Separate adds and removes would keep labels set since, but cost two more requests per
    // change, which a change at one round trip cannot afford.
    const labelsChange = adds.length > 0 || removes.length > 0;
    const comment = this.append(incident, recorded);
    const view = sync.write(number, {
      body: want.body,
      ...(labelsChange ? { labels: [...new Set([...want.managed, ...incident.otherLabels])] } : {}),
      ...(assigneesChange ? { assignees: [...want.assignees] } : {}),
      ...this.openOrClose(incident.open ? 'open' : 'closed', want, closeAs),
    });
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
        const changes = stateEntries(tail);
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
  ): Partial<IssuePatch> {
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

  private async withTimeline(ref: IncidentRef): Promise<Incident> {
    const { gateway, number } = this.locate(ref);
    const [issue, comments] = await Promise.all([gateway.getIssue(number), gateway.listComments(number)]);
    this.requireIncidentIssue(gateway, issue);
    const marked = await this.markedComments(gateway, comments);
    return incidentFromComments({ repo: gateway.repo, issue, config: this.config }, comments, marked).incident;
  }

  /**
   * Discussion comments someone with write access reacted to with the timeline reaction. The counts come with the
   * comments: reactors are listed only where the reaction is (one request each), and a reactor's access is asked of
   * GitHub only when no trusted comment of theirs on the issue shows it already (cached for the service's life).
   */
  private async markedComments(
    gateway: IssueGateway,
    comments: readonly CommentRecord[],
  ): Promise<Map<number, string[]>> {
    const reaction = this.config.timelineReaction;
    const marked = new Map<number, string[]>();
    const candidates = reactionCandidates(comments, reaction);
    if (!reaction || candidates.length === 0) return marked;
    const known = knownPushers(comments);
    for (const comment of candidates) {
      const reactors = await gateway.listReactions(comment.id, reaction);
      const trusted: string[] = [];
      for (const login of reactors)
        if (known.has(login.toLowerCase()) || (await this.pusher(gateway, login))) trusted.push(login);
      if (trusted.length > 0) marked.set(comment.id, trusted);
    }
    return marked;
  }

  private async pusher(gateway: IssueGateway, login: string): Promise<boolean> {
    const key = `${repoSlug(gateway.repo)}:${login.toLowerCase()}`.toLowerCase();
    let answer = this.pushers.get(key);
    if (!answer) {
      answer = gateway.canPush(login);
      this.pushers.set(key, answer);
      answer.catch(() => this.pushers.delete(key));
    }
    return answer;
  }

  private async createWithAssigneeFallback(
    gateway: IssueGateway,
    issue: { title: string; body: string; labels: string[]; assignees: string[] },
    key: string,
  ): Promise<IssueRecord> {
    try {
      return await gateway.createIssue(issue, key);
    } catch (error) {
      // A lead who cannot be assigned (not a collaborator) must not stop a declare: the body still names them.
      if (error instanceof GitHubError && error.code === 'validation' && issue.assignees.length > 0) {
        return gateway.createIssue({ ...issue, assignees: [] }, key);
      }
      throw error;
    }
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
function publicTitleOf(text: string | undefined): { publicTitle?: string } {
  const title = stripControl(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!title) return {};
  return { publicTitle: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title };
}
