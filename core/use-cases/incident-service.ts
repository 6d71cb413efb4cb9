// The incident use cases every edge calls: declare, log, update, severity, roles, resolve, retro, show, list and
// repair. Each costs the fewest GitHub requests possible: declare and log are one request, changes are two.
import { randomUUID } from 'node:crypto';
import { requireRole, requireSeverity, TRIAGE_SEVERITY, type FirebreakConfig } from '../domain/config';
import { FirebreakError, GitHubError, InputError } from '../domain/errors';
import {
  applyEntry,
  changesState,
  entryFromComment,
  entryHash,
  initialState,
  isTrustedAuthor,
  stateOnly,
} from '../domain/event-log';
import {
  isActive,
  isLogKind,
  isMilestone,
  LEAD,
  repoSlug,
  type CodeRef,
  type Declaration,
  type Incident,
  type LogKind,
  type Milestone,
  type RepoRef,
  type TimelineEntry,
} from '../domain/incident';
import type { CommentRecord, IssueGateway, IssueRecord } from '../github/issue-gateway';
import {
  assigneesFor,
  incidentFromComments,
  incidentFromIssue,
  labelsFor,
  managedLabelSpecs,
} from '../domain/issue-view';
import { stripControl } from '../domain/markdown';
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

  constructor(private readonly deps: IncidentServiceDeps) {
    this.config = deps.config;
    this.now = deps.now ?? (() => new Date());
    this.newKey = deps.newKey ?? randomUUID;
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
    };
    const state = initialState(declaration);
    const issue = await this.createWithAssigneeFallback(
      gateway,
      {
        title: `${declaration.drill ? '[drill] ' : ''}${declaration.title}`,
        body: renderIncidentBody(declaration, state, this.config, this.deps.renderer),
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

  /** Logs an entry: one request (a comment). The body does not change, so nothing else is written. */
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
    return this.append(ref, entry);
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
    const incident = await this.resolveRef(ref);
    return this.change(incident, {
      kind: 'update',
      ...this.stamp(input.key),
      text,
      ...(input.status ? { status: input.status } : {}),
      ...(input.nextUpdateBy ? { nextUpdateBy: input.nextUpdateBy } : {}),
    });
  }

  async setStatus(ref: IncidentRef, to: Milestone, text?: string): Promise<Incident> {
    if (!isMilestone(to))
      throw new InputError(`Unknown status "${String(to)}".`, 'Use investigating, identified, monitoring or resolved.');
    const incident = await this.resolveRef(ref);
    return this.change(incident, {
      kind: 'status',
      ...this.stamp(),
      from: incident.status,
      to,
      ...(text ? { text: stripControl(text).trim() } : {}),
    });
  }

  async setSeverity(ref: IncidentRef, severityName: string, reason?: string): Promise<Incident> {
    const severity = requireSeverity(this.config, severityName);
    const incident = await this.resolveRef(ref);
    if (incident.severity === severity.name) return incident;
    return this.change(incident, {
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
    const incident = await this.resolveRef(ref);
    const from = incident.roles[role];
    if (from === to) return incident;
    const base = this.stamp();
    const entry: TimelineEntry = from
      ? { ...base, kind: 'handoff', role, from, to, ...(note ? { note: stripControl(note).trim() } : {}) }
      : { ...base, kind: 'role', role, login: to };
    return this.change(incident, entry);
  }

  async releaseRole(ref: IncidentRef, roleName: string): Promise<Incident> {
    const role = requireRole(this.config, roleName).name;
    if (role === LEAD)
      throw new InputError('The lead role is always staffed.', 'Hand it over to someone else instead.');
    const incident = await this.resolveRef(ref);
    if (!incident.roles[role]) return incident;
    return this.change(incident, { kind: 'role', ...this.stamp(), role });
  }

  /** Resolves: a final update entry, then the issue is closed with its body and labels current. */
  async resolve(ref: IncidentRef, text?: string): Promise<Incident> {
    const incident = await this.resolveRef(ref);
    const finalText = stripControl(text ?? '').trim() || 'Resolved.';
    return this.change(incident, { kind: 'update', ...this.stamp(), text: finalText, status: 'resolved' });
  }

  async reopen(ref: IncidentRef, text?: string): Promise<Incident> {
    const incident = await this.resolveRef(ref);
    return this.change(incident, {
      kind: 'status',
      ...this.stamp(),
      from: incident.status,
      to: 'investigating',
      text: stripControl(text ?? '').trim() || 'Reopened.',
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

  /**
   * Appends any entry (used by the Action for bypass records). A state entry names the head of the chain its incident
   * was read with (see event-log.ts). What GitHub answered decides: a comment by someone without push access is no
   * entry, whatever it says.
   */
  async append(ref: IncidentRef, entry: TimelineEntry): Promise<TimelineEntry> {
    const { gateway, number } = this.locate(ref);
    const head = typeof ref === 'number' ? undefined : ref.head;
    const chained =
      changesState(entry) && head !== undefined && entry.prev === undefined ? { ...entry, prev: head } : entry;
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

  /** Recomputes the body, labels, assignees and open/closed state from the comments; writes only if they differ. */
  async repair(ref: IncidentRef): Promise<{ incident: Incident; changed: string[] }> {
    const { gateway, number } = this.locate(ref);
    const issue = await gateway.getIssue(number);
    this.requireIncidentIssue(gateway, issue);
    const comments = await gateway.listComments(number);
    const { incident, declaration } = incidentFromComments(
      { repo: gateway.repo, issue, config: this.config },
      comments,
    );
    this.refuseEditedHistory(gateway, incident);
    const body = renderIncidentBody(declaration, stateOnly(incident), this.config, this.deps.renderer);
    const labels = labelsFor(incident, this.config, incident.otherLabels);
    // A request is nobody's to hold yet: its author is named as lead, never assigned.
    const assignees = incident.request ? [] : assigneesFor(incident);
    const state = incident.status === 'resolved' ? 'closed' : 'open';
    const changed: string[] = [];
    // The body carries its marker, and the marker may hold cut text: compare what would be written, nothing else.
    if (issue.body !== body) changed.push('body');
    if (!sameSet(issue.labels, labels)) changed.push('labels');
    if (!sameSet(issue.assignees, assignees)) changed.push('assignees');
    if (issue.state !== state) changed.push('state');
    if (changed.length === 0) return { incident, changed };
    const updated = await this.patchWithAssigneeFallback(gateway, number, {
      body,
      labels,
      assignees,
      state,
      ...(state === 'closed' && issue.state !== 'closed' ? { stateReason: 'completed' as const } : {}),
    });
    return { incident: { ...incident, assignees: updated.assignees, updatedAt: updated.updatedAt }, changed };
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
  private stamp(key?: string, at?: string): { key: string; at: string; by: string } {
    return { key: key ?? this.newKey(), at: at ?? this.now().toISOString(), by: this.deps.actor };
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

  private async resolveRef(ref: IncidentRef): Promise<Incident> {
    if (typeof ref !== 'number') return ref;
    const { gateway, number } = this.locate(ref);
    const issue = await gateway.getIssue(number);
    this.requireIncidentIssue(gateway, issue);
    return incidentFromIssue({ repo: gateway.repo, issue, config: this.config });
  }

  private async withTimeline(ref: IncidentRef): Promise<Incident> {
    const { gateway, number } = this.locate(ref);
    const [issue, comments] = await Promise.all([gateway.getIssue(number), gateway.listComments(number)]);
    this.requireIncidentIssue(gateway, issue);
    return incidentFromComments({ repo: gateway.repo, issue, config: this.config }, comments).incident;
  }

  /** A state-changing entry: the comment (the truth), then one PATCH of body, labels, assignees and state. */
  private async change(incident: Incident, entry: TimelineEntry): Promise<Incident> {
    const gateway = this.gatewayFor(incident.repo);
    const posted = await this.append(incident, entry);
    const state = applyEntry(incident, posted);
    const declaration = incident.declaration;
    const resolved = state.status === 'resolved';
    const updated = await this.patchWithAssigneeFallback(gateway, incident.number, {
      body: renderIncidentBody(declaration, state, this.config, this.deps.renderer),
      labels: labelsFor(state, this.config, incident.otherLabels),
      assignees: assigneesFor(state),
      ...(resolved && incident.open ? { state: 'closed' as const, stateReason: 'completed' as const } : {}),
      ...(!resolved && !incident.open ? { state: 'open' as const, stateReason: 'reopened' as const } : {}),
    });
    this.noteGreyLabels(gateway.repo, updated);
    return {
      ...incident,
      ...state,
      open: updated.state === 'open',
      assignees: updated.assignees,
      updatedAt: updated.updatedAt,
      timeline: incident.timelineLoaded ? [...incident.timeline, posted] : incident.timeline,
    };
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

  private async patchWithAssigneeFallback(
    gateway: IssueGateway,
    issueNumber: number,
    patch: Parameters<IssueGateway['updateIssue']>[1],
  ): Promise<IssueRecord> {
    try {
      return await gateway.updateIssue(issueNumber, patch);
    } catch (error) {
      if (error instanceof GitHubError && error.code === 'validation' && patch.assignees) {
        const { assignees: _dropped, ...rest } = patch;
        return gateway.updateIssue(issueNumber, rest);
      }
      throw error;
    }
  }
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

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
