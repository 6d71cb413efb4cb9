// Keeps an incident's view (body, labels, assignees, open/closed) equal to the fold of its timeline, when several
// people change it at once, when a write fails after its comment landed, and after hand edits. A view is known to be
// current only from an answer GitHub gave after every write of ours: that answer shows how many comments the issue
// has, and a view equal to the fold of exactly that many comments. Whoever sees more comments than it folded folds
// again and rewrites, so the last writer always includes every entry.
import type { FirebreakConfig } from '../domain/config';
import { GitHubError } from '../domain/errors';
import { entriesFromComments, changesState, readIncidentMarker, stateOnly } from '../domain/event-log';
import { shownState, type Declaration, type Incident, type IncidentState } from '../domain/incident';
import {
  assigneesFor,
  hasCodeRefs,
  hasLabel,
  incidentFromComments,
  isManagedLabel,
  labelsFor,
} from '../domain/issue-view';
import type { CommentRecord, IssuePatch, IssueRecord, LabelRecord } from '../domain/records';
import { renderIncidentBody, type Renderer } from '../domain/render';
import type { Trust } from '../domain/trust';
import type { Authority } from '../authority';
import type { IssueGateway } from '../github/issue-gateway';
import { trustForIssue } from './writers';

export type ViewPart = 'body' | 'labels' | 'assignees' | 'state';

/**
 * Labels to add to and remove from an issue, one label per request (GitHub's POST and DELETE …/labels): a whole
 * set written back (PATCH `labels`, PUT) would drop whatever anyone labelled since it was read.
 */
export interface LabelChange {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/** A view write: the issue's fields as PATCH sets them, its labels as a change. */
export type ViewPatch = Omit<IssuePatch, 'labels'> & { readonly labels?: LabelChange };

/** What the issue shows for a state: its body (with the marker), Firebreak's labels, assignees and open/closed. */
export interface DesiredView {
  readonly body: string;
  /** Firebreak's labels only; everyone else's are left as they are. */
  readonly managed: readonly string[];
  readonly assignees: readonly string[];
  readonly state: 'open' | 'closed';
  /**
   * Whether the code label belongs on the issue, when the timeline was read; undefined leaves it as it is (a view of
   * the body's cached state cannot tell).
   */
  readonly code?: boolean;
}

export interface ViewSyncDeps {
  readonly gateway: IssueGateway;
  readonly config: FirebreakConfig;
  readonly renderer: Renderer;
  /** Who may act (GitHub's permission): asked for the authors of marker comments before each fold. */
  readonly authority: Authority;
  /** How long a view write is retried while GitHub fails, and how long converging may take (default 20 s). */
  readonly budgetMs?: number;
}

export interface Converged {
  readonly incident: Incident;
  /** The issue as GitHub last showed it, with the view of the timeline. */
  readonly issue: IssueRecord;
  /** The parts that were rewritten; empty when the view already matched the timeline. */
  readonly changed: ViewPart[];
}

export function desiredView(
  config: FirebreakConfig,
  renderer: Renderer,
  declaration: Declaration,
  state: IncidentState & { readonly request?: boolean },
  through: number,
): DesiredView {
  const shown = shownState(declaration, state);
  return {
    body: renderIncidentBody(declaration, stateOnly(state), config, renderer, through),
    managed: labelsFor(shown, config).filter((l) => isManagedLabel(l, config.labels)),
    // A request is nobody's to hold yet: its author is named as lead, never assigned.
    assignees: state.request ? [] : assigneesFor(shown),
    state: state.status === 'resolved' ? 'closed' : 'open',
  };
}

/** The parts of the issue that differ from the view; assignees only when they could all be assigned. */
export function viewDifferences(
  issue: IssueRecord,
  want: DesiredView,
  config: FirebreakConfig,
  options: { assignees?: boolean } = {},
): ViewPart[] {
  const parts: ViewPart[] = [];
  if (issue.body !== want.body) parts.push('body');
  // GitHub matches label names without case: a label created as `Severity:Critical` is ours too.
  const lower = (labels: readonly string[]) => labels.map((l) => l.toLowerCase());
  const managed = issue.labels.filter((l) => ours(l, config));
  const codeLabelWrong = want.code !== undefined && hasLabel(issue.labels, config.labels.code) !== want.code;
  if (!sameSet(lower(managed), lower(want.managed)) || codeLabelWrong) parts.push('labels');
  if ((options.assignees ?? true) && !sameSet(issue.assignees, want.assignees)) parts.push('assignees');
  if (issue.state !== want.state) parts.push('state');
  return parts;
}

/** The view of the fold of `comments`; keeps the body's `through` when the body already shows that fold. */
export function viewOfTimeline(
  config: FirebreakConfig,
  renderer: Renderer,
  issue: IssueRecord,
  comments: readonly CommentRecord[],
  repo: Incident['repo'],
  trust: Trust,
  options: { tighten?: boolean } = {},
): { incident: Incident; want: DesiredView } {
  const { incident, declaration } = incidentFromComments({ repo, issue, config }, comments, trust);
  const code = hasCodeRefs(incident.timeline);
  // Log entries add comments without changing the state: a body that shows the fold stays as it is, or every log
  // entry would make the next check rewrite it. Its `through` may then be short of a change it shows (a change made
  // after log entries its writer had not seen): that only makes readers read more. `tighten` moves it up.
  const through = readIncidentMarker(issue.body)?.through;
  const short = (t: number) => stateEntries(comments.slice(t), trust).length > 0;
  if (through !== undefined && through <= comments.length && !(options.tighten && short(through))) {
    const kept = desiredView(config, renderer, declaration, incident, through);
    if (kept.body === issue.body) return { incident, want: { ...kept, code } };
  }
  return { incident, want: { ...desiredView(config, renderer, declaration, incident, comments.length), code } };
}

/** Entries among `comments` that change the state (what a view that folded none of them would lack). */
export function stateEntries(comments: readonly CommentRecord[], trust: Trust) {
  return entriesFromComments(comments, trust).filter(changesState);
}

export class ViewSync {
  private readonly budgetMs: number;

  constructor(private readonly deps: ViewSyncDeps) {
    this.budgetMs = deps.budgetMs ?? 20_000;
  }

  /**
   * One view write, retried while GitHub fails until it holds or the budget is spent: it follows an entry that
   * landed, so giving up early would leave the view behind the timeline. Labels go first, one request per label (all
   * added in one), then the PATCH, so its answer shows the issue after every write of ours; with `together` they go
   * at once (one round trip) and the answer shows our labels applied to the PATCH's answer, for a caller that reads
   * again after. A lead who cannot be assigned must not block the rest: the PATCH is repeated without assignees
   * (GitHub's 422).
   */
  async write(
    issueNumber: number,
    patch: ViewPatch,
    options: { together?: boolean } = {},
  ): Promise<{ issue: IssueRecord; assigneesDropped: boolean }> {
    const { labels, ...fields } = patch;
    const relabel = () => this.relabel(issueNumber, labels ?? { add: [], remove: [] });
    // Without fields to PATCH, a read after the label writes is the answer that follows them.
    const rest = () =>
      Object.keys(fields).length > 0
        ? this.patch(issueNumber, fields)
        : this.retrying(() => this.deps.gateway.getIssue(issueNumber)).then((issue) => ({
            issue,
            assigneesDropped: false,
          }));
    if (!options.together) {
      await relabel();
      return rest();
    }
    const [added, written] = await Promise.all([relabel(), rest()]);
    return { ...written, issue: withLabelChange(written.issue, labels, added) };
  }

  /** Adds and removes single labels: whatever else the issue carries now stays. */
  private async relabel(issueNumber: number, change: LabelChange): Promise<readonly LabelRecord[]> {
    const { gateway } = this.deps;
    const [added] = await Promise.all([
      change.add.length > 0 ? this.retrying(() => gateway.addLabels(issueNumber, change.add)) : [],
      ...change.remove.map((name) => this.retrying(() => gateway.removeLabel(issueNumber, name))),
    ]);
    return added;
  }

  private async patch(issueNumber: number, fields: IssuePatch) {
    try {
      return {
        issue: await this.retrying(() => this.deps.gateway.updateIssue(issueNumber, fields)),
        assigneesDropped: false,
      };
    } catch (error) {
      if (error instanceof GitHubError && error.code === 'validation' && fields.assignees) {
        const { assignees: _dropped, ...rest } = fields;
        return {
          issue: await this.retrying(() => this.deps.gateway.updateIssue(issueNumber, rest)),
          assigneesDropped: true,
        };
      }
      throw error;
    }
  }

  /** Any idempotent write, retried like `write`. */
  retrying<T>(fn: () => Promise<T>, deadline = Date.now() + this.budgetMs): Promise<T> {
    const attempt = async (n: number): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        const transient =
          error instanceof GitHubError && (error.code === 'unavailable' || error.code === 'rate-limited');
        const wait = Math.min(2_000, 100 * 2 ** n);
        if (!transient || Date.now() + wait > deadline) throw error;
        await sleep(wait);
        return attempt(n + 1);
      }
    };
    return attempt(0);
  }

  /**
   * Reads the issue and its comments, and rewrites the view until an answer shows it equal to the fold of every
   * comment the issue has. Each round reads both (one answer for each) and writes at most one PATCH.
   */
  async converge(
    issueNumber: number,
    options: { tighten?: boolean; refuseEdited?: (incident: Incident) => void } = {},
  ): Promise<Converged> {
    const { gateway, config, renderer } = this.deps;
    const deadline = Date.now() + this.budgetMs;
    const changed = new Set<ViewPart>();
    let assignees = true;
    let last: unknown;
    for (let round = 0; Date.now() < deadline || round === 0; round++) {
      // Writers that collide back off by different amounts, so one of them ends the race.
      if (round > 0) await sleep(Math.random() * 50 * Math.min(round, 10));
      const [issue, comments] = await Promise.all([gateway.getIssue(issueNumber), gateway.listComments(issueNumber)]);
      // A comment landed between the two reads: read again rather than trust a view of a moving timeline.
      if (comments.length !== issue.comments) {
        last = `the issue has ${issue.comments} comments but ${comments.length} were read`;
        continue;
      }
      const trust = await trustForIssue(this.deps.authority, gateway.repo, issue, comments);
      const { incident, want } = viewOfTimeline(config, renderer, issue, comments, gateway.repo, trust, options);
      options.refuseEdited?.(incident);
      const diff = viewDifferences(issue, want, config, { assignees });
      if (diff.length === 0) return { incident: withIssue(incident, issue), issue, changed: [...changed] };
      const written = await this.write(issueNumber, {
        ...(diff.includes('body') ? { body: want.body } : {}),
        ...(diff.includes('labels') ? { labels: labelChange(issue, want, config) } : {}),
        ...(diff.includes('assignees') ? { assignees: [...want.assignees] } : {}),
        ...(diff.includes('state')
          ? { state: want.state, stateReason: want.state === 'closed' ? 'completed' : 'reopened' }
          : {}),
      });
      // A lead GitHub will not assign (422) leaves the assignees as they were: nothing rewritten, so nothing said.
      if (written.assigneesDropped) assignees = false;
      for (const part of diff) if (part !== 'assignees' || !written.assigneesDropped) changed.add(part);
      const updated = written.issue;
      // The answer to our own write, after every write of ours: the same comments, and the view we wrote.
      if (updated.comments === comments.length && viewDifferences(updated, want, config, { assignees }).length === 0)
        return { incident: withIssue(incident, updated), issue: updated, changed: [...changed] };
      last = `someone else wrote to ${issueNumber} at the same time`;
    }
    throw new GitHubError(
      'conflict',
      `Could not bring the labels and body of #${issueNumber} up to date with its timeline (${String(last)}).`,
      undefined,
      `The timeline is complete; run \`firebreak repair ${issueNumber}\` once the other writers are done.`,
    );
  }
}

/** The single-label writes that take the issue's labels, as read, to `fullLabels`: nothing else is touched. */
export function labelChange(issue: IssueRecord, want: DesiredView, config: FirebreakConfig): LabelChange {
  const has = (labels: readonly string[], label: string) => labels.some((l) => l.toLowerCase() === label.toLowerCase());
  const full = fullLabels(issue, want, config);
  return {
    add: full.filter((l) => !has(issue.labels, l)),
    remove: issue.labels.filter((l) => !has(full, l)),
  };
}

/** The issue with a change applied that went out beside the write that answered (its colors from GitHub's answer). */
function withLabelChange(
  issue: IssueRecord,
  change: LabelChange | undefined,
  added: readonly LabelRecord[],
): IssueRecord {
  if (!change) return issue;
  const gone = new Set(change.remove.map((l) => l.toLowerCase()));
  const labels = [...new Set([...issue.labels.filter((l) => !gone.has(l.toLowerCase())), ...change.add])];
  const colors = Object.fromEntries(added.map((l) => [l.name, l.color]));
  return {
    ...issue,
    labels,
    ...(issue.labelColors || added.length > 0 ? { labelColors: { ...issue.labelColors, ...colors } } : {}),
  };
}

/** Firebreak's labels from the view, everyone else's from the issue as last read. */
export function fullLabels(issue: IssueRecord, want: DesiredView, config: FirebreakConfig): string[] {
  const others = issue.labels.filter((l) => !ours(l, config));
  // The code label is ours too, but only a view of the timeline knows whether it belongs: otherwise it stays.
  const code = config.labels.code;
  const kept = want.code === undefined ? others : others.filter((l) => l.toLowerCase() !== code.toLowerCase());
  return [...new Set([...want.managed, ...kept, ...(want.code ? [code] : [])])];
}

function ours(label: string, config: FirebreakConfig): boolean {
  return isManagedLabel(label, config.labels) || isManagedLabel(label.toLowerCase(), config.labels);
}

export function withIssue(incident: Incident, issue: IssueRecord): Incident {
  const through = readIncidentMarker(issue.body)?.through;
  return {
    ...incident,
    open: issue.state === 'open',
    assignees: issue.assignees,
    updatedAt: issue.updatedAt,
    commentCount: issue.comments,
    ...(through !== undefined ? { viewThrough: through } : {}),
  };
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
