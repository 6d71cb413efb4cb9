// The one vocabulary every edge speaks: incidents, severities, roles, milestones and timeline entries.
// Plain data only; behaviour lives in event-log.ts (folding) and use-cases/ (one per user action).

export interface RepoRef {
  readonly owner: string;
  readonly name: string;
}

export function repoSlug(repo: RepoRef): string {
  return `${repo.owner}/${repo.name}`;
}

/** Lifecycle milestones, in order. `declared` is where every incident starts. */
export const MILESTONES = ['declared', 'investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Milestone = (typeof MILESTONES)[number];

export function isMilestone(value: string): value is Milestone {
  return (MILESTONES as readonly string[]).includes(value);
}

/** Kinds a person logs by hand, next to the code. */
export const LOG_KINDS = ['action', 'observation', 'decision', 'question', 'theory'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export function isLogKind(value: string): value is LogKind {
  return (LOG_KINDS as readonly string[]).includes(value);
}

export const ENTRY_KINDS = [
  ...LOG_KINDS,
  'update',
  'role',
  'severity',
  'status',
  'handoff',
  'bypass',
  'hotfix',
  'retro',
  'break',
  'channel',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The severity every incident has until someone assesses its impact. */
export const TRIAGE = 'triage';
/** The role that is always staffed. */
export const LEAD = 'lead';

export interface CodeRef {
  /** owner/name of the repository the code lives in (may differ from the incident repository). */
  readonly repo: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly commit: string;
  readonly permalink: string;
  readonly snippet?: string;
  readonly language?: string;
}

interface EntryBase {
  /** Client-generated idempotency key: the same key is one entry, however often it is written. */
  readonly key: string;
  /** When it happened (client clock), ISO 8601. */
  readonly at: string;
  /** GitHub login of whoever wrote it (the comment's author wins over anything claimed). */
  readonly by: string;
  /** Comment id and URL once it is on GitHub. */
  readonly commentId?: number;
  readonly url?: string;
  /** The hash of the state entry this one follows, when the writer knew it (see event-log.ts). */
  readonly prev?: string;
  /** The hash of this entry's marker payload, once written (`h` in the marker). */
  readonly hash?: string;
  /** Set when the comment no longer says what was written: the entry is shown, never followed. */
  readonly edited?: boolean;
  /** Written through a chat (Slack, with the server's credentials) or an agent (MCP): whom the entry speaks for. */
  readonly via?: EntryVia;
}

/** The person in a chat an entry was written for: their chat user id and, when linked, their GitHub login. */
export interface EntryVia {
  /** The chat (`slack`), or `mcp` for an agent acting with the person's own token. */
  readonly chat: string;
  readonly user: string;
  readonly login?: string;
  /** The chat's display name, for people not linked to a login. */
  readonly name?: string;
}

export interface LogEntry extends EntryBase {
  readonly kind: LogKind;
  readonly text: string;
  readonly destructive?: boolean;
  readonly code?: CodeRef;
  /**
   * Set on an observation that is an ordinary discussion comment someone with write access reacted to (see
   * reactions.ts): no marker, the comment's author and time; `by` lists who reacted.
   */
  readonly reaction?: { readonly content: string; readonly by: readonly string[] };
}

export interface UpdateEntry extends EntryBase {
  readonly kind: 'update';
  readonly text: string;
  /** Milestone the update moves the incident to, if any. */
  readonly status?: Milestone;
  /** When the next update is promised, ISO 8601. */
  readonly nextUpdateBy?: string;
  /** Published on the status page (its text is then what customers read). */
  readonly public?: boolean;
  /** The title customers see from now on (the status page's name for the incident). */
  readonly publicTitle?: string;
}

export interface RoleEntry extends EntryBase {
  readonly kind: 'role';
  readonly role: string;
  /** New holder; absent when the role is released. */
  readonly login?: string;
}

export interface HandoffEntry extends EntryBase {
  readonly kind: 'handoff';
  readonly role: string;
  readonly from: string;
  readonly to: string;
  readonly note?: string;
}

export interface SeverityEntry extends EntryBase {
  readonly kind: 'severity';
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
}

export interface StatusEntry extends EntryBase {
  readonly kind: 'status';
  readonly from: Milestone;
  readonly to: Milestone;
  readonly text?: string;
}

export interface BypassEntry extends EntryBase {
  readonly kind: 'bypass';
  readonly actor: string;
  readonly reason: string;
  readonly runUrl?: string;
  readonly ref?: string;
  readonly sha?: string;
}

/** A change that fixes or mitigates the incident passed its freeze (the hotfix lane). */
export interface HotfixEntry extends EntryBase {
  readonly kind: 'hotfix';
  /** Who made the change (the pull request author or the pusher). */
  readonly actor: string;
  /** `fixes` or `mitigates`, as the change says. */
  readonly verb: 'fixes' | 'mitigates';
  /** The change: a pull request link, or a commit. */
  readonly change: string;
  readonly runUrl?: string;
  readonly ref?: string;
  readonly sha?: string;
}

export interface RetroEntry extends EntryBase {
  readonly kind: 'retro';
  /** The retro document as Markdown (with its follow-up checklist), or why it was skipped. */
  readonly text: string;
  /** No retro will be held; `text` says why. Clears the retro reminder like a posted retro. */
  readonly skipped?: boolean;
}

/** A break the team takes (called by `by`): the timeline and the retro show when and for how long. */
export interface BreakEntry extends EntryBase {
  readonly kind: 'break';
  readonly minutes: number;
  readonly text?: string;
}

/** The incident's chat channel (see core/chat/): any replica finds the channel from the timeline alone. */
export interface ChannelEntry extends EntryBase {
  readonly kind: 'channel';
  readonly chat: string;
  /** The chat's channel id (Slack's `C…`). */
  readonly channel: string;
  readonly name: string;
  readonly url?: string;
}

export type TimelineEntry =
  | LogEntry
  | UpdateEntry
  | RoleEntry
  | HandoffEntry
  | SeverityEntry
  | StatusEntry
  | BypassEntry
  | HotfixEntry
  | RetroEntry
  | BreakEntry
  | ChannelEntry;

/** What is known when an incident is declared: the first event, carried by the issue itself. */
export interface Declaration {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly severity: string;
  readonly lead: string;
  readonly declaredBy: string;
  readonly declaredAt: string;
  readonly private: boolean;
  readonly drill: boolean;
  readonly services: readonly string[];
  /** The title customers see once the incident is published, if not the issue title. */
  readonly publicTitle?: string;
  /** Declared from a monitoring alert: which one (one open incident per alert), until a person takes the lead. */
  readonly alert?: AlertRef;
}

/** The alert an incident was declared from: its source, its id (a hash of the source's fingerprint) and a link. */
export interface AlertRef {
  readonly source: string;
  readonly id: string;
  readonly url?: string;
}

/**
 * Declared from an alert and nobody has taken it yet: the lead is still whoever declared it (the alert receiver),
 * so nobody is on it. A person takes it with `firebreak role N lead @me` or the extension's Take Lead.
 */
export function isUnacknowledged(incident: {
  readonly declaration: Pick<Declaration, 'alert' | 'declaredBy'>;
  readonly roles: Readonly<Record<string, string>>;
  readonly status: IncidentState['status'];
}): boolean {
  return (
    incident.declaration.alert !== undefined &&
    incident.status !== 'resolved' &&
    incident.roles[LEAD] === incident.declaration.declaredBy
  );
}

/**
 * The state as people see it: an alert's incident nobody has taken has no lead (the receiver that declared it only
 * holds the role in the timeline until a person takes it), so no `role:lead` label, assignee or lead in the body.
 */
export function shownState<T extends Pick<IncidentState, 'roles' | 'status'>>(
  declaration: Pick<Declaration, 'alert' | 'declaredBy'>,
  state: T,
): T {
  if (!isUnacknowledged({ declaration, roles: state.roles, status: state.status })) return state;
  const { [LEAD]: _receiver, ...roles } = state.roles;
  return { ...state, roles };
}

export interface Timestamps {
  readonly declared: string;
  readonly acknowledged?: string;
  readonly mitigated?: string;
  readonly resolved?: string;
}

/** The folded state of an incident: what the comments say, whatever the body or labels claim. */
export interface IncidentState {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly severity: string;
  readonly status: Milestone;
  /** role name -> login of the holder now. `lead` is always present. */
  readonly roles: Readonly<Record<string, string>>;
  readonly private: boolean;
  readonly drill: boolean;
  readonly services: readonly string[];
  readonly declaredBy: string;
  readonly timestamps: Timestamps;
  readonly lastUpdate?: {
    readonly at: string;
    readonly text: string;
    readonly by: string;
    readonly nextUpdateBy?: string;
  };
  /** Hash of the last state entry folded in: the head of the chain the next state entry names as `prev`. */
  readonly head?: string;
  /** The title customers see, if not the issue title. */
  readonly publicTitle?: string;
  /** When the first public update was posted: the incident is on the status page from then on. */
  readonly publishedAt?: string;
}

/** An incident as the edges see it: the folded state plus where it lives on GitHub. */
export interface Incident extends IncidentState {
  /** What was known at declaration (from the body marker, or reconstructed from the issue). */
  readonly declaration: Declaration;
  readonly repo: RepoRef;
  readonly number: number;
  readonly url: string;
  readonly open: boolean;
  /** Labels on the issue that Firebreak does not manage; kept when labels are rewritten. */
  readonly otherLabels: readonly string[];
  readonly assignees: readonly string[];
  /** Full timeline, oldest first; empty when only the summary (issue list) was loaded. */
  readonly timeline: readonly TimelineEntry[];
  readonly timelineLoaded: boolean;
  readonly updatedAt: string;
  /**
   * Opened by someone without write access and not yet taken (severity or lead set) by someone with it: a request
   * for help, at triage, that never freezes deploys or mentions anyone.
   */
  readonly request?: boolean;
  /** State entries whose comments were edited after they were written (not followed; see event-log.ts). */
  readonly editedEntries?: readonly TimelineEntry[];
  /** The comment count when it was read. */
  readonly commentCount?: number;
  /** How many comments the body's cached state folds (its marker's `through`), when recorded. */
  readonly viewThrough?: number;
}

export function isActive(incident: Pick<IncidentState, 'status'>): boolean {
  return incident.status !== 'resolved';
}
