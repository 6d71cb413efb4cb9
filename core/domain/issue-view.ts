// The views derived from the folded state: the issue's labels, assignees and body, and the Incident the edges see.
// Anything here can be recomputed from the comments at any time (`firebreak repair`).
import { findSeverity, type FirebreakConfig, type LabelConfig } from './config';
import {
  changesState,
  declarationFromIssue,
  entriesFromComments,
  fold,
  initialState,
  isTrustedIssue,
  readIncidentMarker,
  takenIn,
} from './event-log';
import {
  isMilestone,
  LEAD,
  MILESTONES,
  TRIAGE,
  type Declaration,
  type Incident,
  type IncidentState,
  type RepoRef,
  type TimelineEntry,
} from './incident';
import { withReactionEntries } from './reactions';
import type { CommentRecord, IssueRecord, LabelRecord } from './records';
import type { Trust } from './trust';

export function isManagedLabel(label: string, labels: LabelConfig): boolean {
  return (
    label === labels.incident ||
    label === labels.drill ||
    label.startsWith(labels.severityPrefix) ||
    label.startsWith(labels.statusPrefix) ||
    label.startsWith(labels.rolePrefix)
  );
}

/**
 * Whether a timeline points at code: what the code label (`labels.code`) says, so that history and review list only
 * those incidents. The label is kept apart from the state (logging never rewrites the body): it is added with the
 * entry that carries the first reference, and `repair` recomputes it from the comments.
 */
export function hasCodeRefs(timeline: readonly TimelineEntry[]): boolean {
  return timeline.some((entry) => 'code' in entry && entry.code !== undefined);
}

export function hasLabel(labels: readonly string[], name: string): boolean {
  return labels.some((label) => label.toLowerCase() === name.toLowerCase());
}

/** The labels an incident in this state carries: ours from the state, everyone else's kept as they were. */
export function labelsFor(
  state: IncidentState,
  config: FirebreakConfig,
  otherLabels: readonly string[] = [],
): string[] {
  const l = config.labels;
  const ours = [
    l.incident,
    `${l.severityPrefix}${state.severity}`,
    `${l.statusPrefix}${state.status}`,
    ...Object.keys(state.roles)
      .sort((a, b) => (a === LEAD ? -1 : b === LEAD ? 1 : a.localeCompare(b)))
      .map((role) => `${l.rolePrefix}${role}`),
    ...(state.drill ? [l.drill] : []),
  ];
  return [...new Set([...ours, ...otherLabels])];
}

/** Role holders are the assignees, the lead first. */
export function assigneesFor(state: IncidentState): string[] {
  const lead = state.roles[LEAD];
  // GitHub cannot assign an App's bot (e.g. the alert receiver holding the lead until a person takes it).
  return [...new Set([...(lead ? [lead] : []), ...Object.values(state.roles)])]
    .filter((login) => !login.endsWith('[bot]'))
    .slice(0, 10);
}

/** State from labels alone, for issues whose body marker is gone (opened by hand, or edited). */
function stateFromLabels(state: IncidentState, issue: IssueRecord, config: FirebreakConfig): IncidentState {
  const l = config.labels;
  const severity = issue.labels.find((x) => x.startsWith(l.severityPrefix))?.slice(l.severityPrefix.length);
  const status = issue.labels.find((x) => x.startsWith(l.statusPrefix))?.slice(l.statusPrefix.length);
  return {
    ...state,
    ...(severity && findSeverity(config, severity) ? { severity } : {}),
    ...(status && isMilestone(status) ? { status } : {}),
    ...(issue.state === 'closed' ? { status: 'resolved' as const } : {}),
  };
}

interface Located {
  readonly repo: RepoRef;
  readonly issue: IssueRecord;
  readonly config: FirebreakConfig;
}

function toIncident(
  { repo, issue, config }: Located,
  declaration: Declaration,
  state: IncidentState,
  timeline: readonly TimelineEntry[] | undefined,
  extra: Pick<Incident, 'request' | 'editedEntries' | 'viewThrough'> = {},
): Incident {
  return {
    ...extra,
    ...state,
    declaration,
    repo,
    number: issue.number,
    url: issue.url,
    open: issue.state === 'open',
    otherLabels: issue.labels.filter((label) => !isManagedLabel(label, config.labels)),
    assignees: issue.assignees,
    timeline: timeline ?? [],
    timelineLoaded: timeline !== undefined,
    updatedAt: issue.updatedAt,
    commentCount: issue.comments,
  };
}

/**
 * An incident from its issue alone (one list request for many): the state cached in the body marker. A request's body
 * is its author's to edit, so its state comes from what only people with triage access can set: labels (severity,
 * status) and assignees (the lead); untouched by them, it is a request at triage.
 */
export function incidentFromIssue(located: Located, trust: Trust): Incident {
  if (!isTrustedIssue(located.issue, trust)) {
    const declaration = declarationFromIssue(located.issue, located.config, trust);
    const labelled = stateFromLabels(initialState(declaration), located.issue, located.config);
    const lead = located.issue.assignees[0];
    const state = lead ? { ...labelled, roles: { ...labelled.roles, [LEAD]: lead } } : labelled;
    const request = lead === undefined && state.severity === TRIAGE;
    return toIncident(located, declaration, state, undefined, { request });
  }
  const marker = readIncidentMarker(located.issue.body);
  const declaration = marker?.declaration ?? declarationFromIssue(located.issue, located.config, trust);
  const state = marker?.state ?? stateFromLabels(initialState(declaration), located.issue, located.config);
  return toIncident(
    located,
    declaration,
    state,
    undefined,
    marker?.through !== undefined ? { viewThrough: marker.through } : {},
  );
}

/** An incident folded from its comments: the truth, whatever the body and labels say. */
export function incidentFromComments(
  located: Located,
  comments: readonly CommentRecord[],
  /** Who may write (asked of GitHub before this fold): their markers and body count, nobody else's. */
  trust: Trust,
  /** Discussion comments marked for the timeline by a reaction (comment id -> reactors with write access). */
  marked?: ReadonlyMap<number, readonly string[]>,
): { incident: Incident; declaration: Declaration } {
  const declaration = declarationFromIssue(located.issue, located.config, trust);
  const trusted = isTrustedIssue(located.issue, trust);
  const marker = trusted ? readIncidentMarker(located.issue.body) : undefined;
  const head = marker?.state.head;
  const timeline = entriesFromComments(comments, trust, head !== undefined ? { head } : {});
  const editedEntries = timeline.filter((e) => e.edited && changesState(e));
  // A rewritten history is not followed: the state stays what the body recorded before the edit.
  const folded = editedEntries.length > 0 && marker ? marker.state : fold(declaration, timeline);
  // An incident closed by hand on GitHub is resolved, even without an entry that says so.
  const state =
    located.issue.state === 'closed' && folded.status !== 'resolved'
      ? { ...folded, status: 'resolved' as const }
      : folded;
  const extra = {
    ...(trusted ? {} : { request: !takenIn(timeline) }),
    ...(editedEntries.length > 0 ? { editedEntries } : {}),
    ...(marker?.through !== undefined ? { viewThrough: marker.through } : {}),
  };
  const reaction = located.config.timelineReaction;
  const shown = marked && reaction ? withReactionEntries(timeline, comments, marked, reaction) : timeline;
  const incident = toIncident(located, declaration, state, shown, extra);
  // The state folds exactly the comments read (the issue's count may have been read a moment apart).
  return { incident: { ...incident, commentCount: comments.length }, declaration };
}

const STATUS_COLORS: Readonly<Record<string, string>> = {
  declared: 'c5def5',
  investigating: 'fbca04',
  identified: 'f9a825',
  monitoring: '0e8a16',
  resolved: 'cfd3d7',
};

/** Every label Firebreak manages, with the color and description it should have. */
export function managedLabelSpecs(config: FirebreakConfig): LabelRecord[] {
  const l = config.labels;
  const cut = (text: string) => (text.length > 100 ? `${text.slice(0, 99)}…` : text);
  return [
    { name: l.incident, color: 'b60205', description: 'Firebreak: an incident. The timeline is in the comments.' },
    {
      name: l.drill,
      color: '0052cc',
      description: 'Firebreak: a practice incident; never freezes deploys or counts in metrics.',
    },
    { name: l.followUp, color: 'a2eeef', description: 'Firebreak: an action item from an incident retro.' },
    { name: l.code, color: '5319e7', description: 'Firebreak: an incident whose timeline points at code.' },
    ...config.severities.map((s) => ({
      name: `${l.severityPrefix}${s.name}`,
      color: s.color,
      description: cut(`Firebreak severity: ${s.description}`),
    })),
    ...MILESTONES.map((m) => ({
      name: `${l.statusPrefix}${m}`,
      color: STATUS_COLORS[m] ?? 'ededed',
      description: `Firebreak: incident status ${m}.`,
    })),
    ...config.roles.map((r) => ({
      name: `${l.rolePrefix}${r.name}`,
      color: 'bfdadc',
      description: cut(`Firebreak role staffed: ${r.description}`),
    })),
  ];
}
