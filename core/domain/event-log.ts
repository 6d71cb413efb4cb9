// The event log: hidden `<!-- firebreak:TYPE {json} -->` markers in issue comments and bodies, converted to and from
// timeline entries, and folded into incident state. Comments are the truth; the body is a cache of the fold.
//
// Who may change an incident's state
// - An entry counts only from a comment whose author may write (GitHub's permission: write, maintain or admin, asked
//   by core/authority.ts before the fold and passed in as a Trust) or is a GitHub App, with its marker on the first
//   line. Anyone else's marker is text.
// - The body marker (declaration and cached state) must open the body (a marker in a form field or pasted text is
//   never read), and is trusted only on issues opened by such an author: only they and people with push access can
//   edit that body. An issue opened by anyone else (the issue form applies the incident label for anyone) is a
//   request: its declaration is rebuilt from the issue at triage, its author as lead, no services, never a drill; its
//   body marker, which its author may rewrite at any time, never gives it state. Readers of issue lists (freeze, list,
//   status) take a request's state from labels and assignees, which only people with triage access can set. It is
//   taken when someone with push access sets its severity or lead; until then it neither freezes nor mentions anyone.
//
// Tamper evidence (people with push access can edit anyone's comments)
// - Every entry marker carries `h`, a hash of its own canonical payload: a marker edited by hand no longer matches.
// - State entries (update, status, severity, role, handoff) carry `prev`, the `h` of the last state entry their
//   writer knew of (the `head` the body caches), and the body caches the `head` it folded up to: a marker edited and
//   re-hashed is no longer the hash the next entry or the body names. `log` is one request without a read, so a log
//   entry carries no `prev`; log entries never change state, and their own `h` shows an edit. Writers with a stale
//   view name an older head and concurrent writers the same one, so the chain is checked as "someone later vouches
//   for this hash", not as a strict sequence.
// - GitHub's updated_at tells that a comment was edited at all (prose or marker): a state entry whose comment was
//   edited and whose hash nothing later vouches for counts as edited as well (an edit of the newest entry while the
//   body is behind is flagged too, which is the safe side). Entries written before hashes (no `h`) are accepted
//   unless their comment was edited.
// - An edited entry stays in the timeline, marked `edited`, and is never followed: the fold skips it, `show` keeps
//   the state the body recorded, and `repair` refuses to rewrite labels and body from a rewritten history.
// - Not covered: a deleted comment (the chain then names a hash nobody has; the entry is simply gone), and an edit of
//   the body's declaration by someone with push access (GitHub keeps the body's edit history).
//
// A namespace import lets esbuild drop the parts of zod we do not use (the named `z` export keeps all of it).
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { FirebreakConfig } from './config';
import {
  ENTRY_KINDS,
  LEAD,
  LOG_KINDS,
  MILESTONES,
  TRIAGE,
  type AlertRef,
  type Declaration,
  type IncidentState,
  type Milestone,
  type TimelineEntry,
} from './incident';
import type { CommentRecord, IssueRecord } from './records';
import type { Trust } from './trust';

export const MARKER_VERSION = 1;
export type MarkerType =
  'entry' | 'incident' | 'reminder' | 'nudge' | 'follow-up' | 'digest' | 'retro-item' | 'maintenance';

/** JSON that cannot close an HTML comment: `<` and `>` are escaped, so `-->` never appears inside. */
function commentSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

export function formatMarker(type: MarkerType, payload: object): string {
  return `<!-- firebreak:${type} ${commentSafeJson({ v: MARKER_VERSION, ...payload })} -->`;
}

const MARKER = /<!-- firebreak:([a-z-]+) (\{.*?\}) -->/g;

/** Every well-formed marker of the type in the text; corrupt JSON is skipped, never thrown. */
export function readMarkers(text: string, type: MarkerType): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const match of text.matchAll(MARKER)) {
    if (match[1] !== type) continue;
    try {
      const value: unknown = JSON.parse(match[2] ?? '');
      if (value && typeof value === 'object' && !Array.isArray(value)) found.push(value as Record<string, unknown>);
    } catch {
      // A hand-edited or truncated marker is ignored; the fold copes with a missing entry.
    }
  }
  return found;
}

export function readMarker(text: string, type: MarkerType): Record<string, unknown> | undefined {
  return readMarkers(text, type)[0];
}

/** Whether a text carries a marker with this idempotency key (any type). */
export function hasMarkerKey(text: string | null | undefined, key: string): boolean {
  if (!key || !text || !text.includes('<!-- firebreak:')) return false;
  for (const match of text.matchAll(MARKER)) {
    try {
      const value = JSON.parse(match[2] ?? '') as { key?: unknown };
      if (value.key === key) return true;
    } catch {
      // not ours
    }
  }
  return false;
}

// Only people who can push (and GitHub Apps, which must be installed on the repo to write) may add events:
// a forged marker in a drive-by comment on a public repository, or a read-only member's, is ignored.
export function isTrustedAuthor(comment: Pick<CommentRecord, 'author' | 'authorType'>, trust: Trust): boolean {
  return comment.authorType === 'Bot' || trust(comment.author);
}

/** Whether the issue was opened by someone who can push (or an App): only then does its body marker count. */
export function isTrustedIssue(issue: Pick<IssueRecord, 'authorType' | 'author'>, trust: Trust): boolean {
  return issue.authorType === 'Bot' || trust(issue.author);
}

/** JSON with keys sorted at every level: the same payload always hashes the same, whatever order it was written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The hash an entry marker carries as `h`: of everything else in the marker, as read back from the comment. */
export function markerHash(payload: Record<string, unknown>): string {
  const { h: _h, ...rest } = payload;
  return createHash('sha256').update(canonicalJson(rest)).digest('base64url').slice(0, 22);
}

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)));
const milestone = z.enum(MILESTONES);
const codeRef = z.object({
  repo: z.string(),
  path: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  commit: z.string(),
  permalink: z.string(),
  snippet: z.string().optional(),
  language: z.string().optional(),
});
const via = z.object({
  chat: z.string().min(1).max(40),
  user: z.string().min(1).max(100),
  login: z.string().max(100).optional(),
  name: z.string().max(200).optional(),
});
const base = {
  key: z.string().min(1).max(200),
  at: isoDate,
  prev: z.string().max(100).optional(),
  via: via.optional(),
};
const entrySchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.enum(LOG_KINDS),
    text: z.string(),
    destructive: z.boolean().optional(),
    code: codeRef.optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('update'),
    text: z.string(),
    status: milestone.optional(),
    nextUpdateBy: isoDate.optional(),
    public: z.boolean().optional(),
    publicTitle: z.string().max(300).optional(),
  }),
  z.object({ ...base, kind: z.literal('role'), role: z.string().min(1), login: z.string().min(1).optional() }),
  z.object({
    ...base,
    kind: z.literal('handoff'),
    role: z.string().min(1),
    from: z.string(),
    to: z.string().min(1),
    note: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('severity'),
    from: z.string(),
    to: z.string().min(1),
    reason: z.string().optional(),
  }),
  z.object({ ...base, kind: z.literal('status'), from: milestone, to: milestone, text: z.string().optional() }),
  z.object({
    ...base,
    kind: z.literal('bypass'),
    actor: z.string(),
    reason: z.string(),
    runUrl: z.string().optional(),
    ref: z.string().optional(),
    sha: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('hotfix'),
    actor: z.string(),
    verb: z.enum(['fixes', 'mitigates']),
    change: z.string(),
    runUrl: z.string().optional(),
    ref: z.string().optional(),
    sha: z.string().optional(),
  }),
  z.object({ ...base, kind: z.literal('retro'), text: z.string(), skipped: z.boolean().optional() }),
  z.object({
    ...base,
    kind: z.literal('break'),
    minutes: z.number().int().positive().max(1440),
    text: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('channel'),
    chat: z.string().min(1).max(40),
    channel: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    url: z.string().optional(),
  }),
]);

/** What an entry's marker holds: the entry without what GitHub or the reader adds, as JSON reads it back. */
function entryPayload(entry: TimelineEntry): Record<string, unknown> {
  const { by: _by, commentId: _id, url: _url, hash: _hash, edited: _edited, ...payload } = entry;
  return JSON.parse(JSON.stringify({ v: MARKER_VERSION, ...payload })) as Record<string, unknown>;
}

/** The hash the marker of this entry carries. */
export function entryHash(entry: TimelineEntry): string {
  return markerHash(entryPayload(entry));
}

/** The marker line that starts an entry's comment. `by`, `commentId` and `url` come from GitHub, not the marker. */
export function entryMarker(entry: TimelineEntry): string {
  const { v: _v, ...payload } = entryPayload(entry);
  return formatMarker('entry', { ...payload, h: entryHash(entry) });
}

/**
 * The entry a comment records, if its first line is a valid marker from a trusted author; `edited` when the marker
 * no longer matches the hash it was written with.
 */
export function entryFromComment(comment: CommentRecord, trust: Trust): TimelineEntry | undefined {
  if (!comment.body.startsWith('<!-- firebreak:entry ') || !isTrustedAuthor(comment, trust)) return undefined;
  const firstLine = comment.body.split('\n', 1)[0] ?? '';
  const payload = readMarker(firstLine, 'entry');
  if (!payload) return undefined;
  const parsed = entrySchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const hash = typeof payload['h'] === 'string' ? payload['h'] : undefined;
  return {
    ...stripUndefined(parsed.data),
    ...(hash !== undefined ? { hash } : {}),
    ...(hash !== undefined && hash !== markerHash(payload) ? { edited: true } : {}),
    by: comment.author,
    commentId: comment.id,
    url: comment.url,
  } as TimelineEntry;
}

/**
 * Entries in comment order, once per key (a retried write that landed twice counts once). `head` is the hash the
 * (trusted) body cached as the last state entry it folded: it vouches for that entry like a later `prev` does.
 */
export function entriesFromComments(
  comments: readonly CommentRecord[],
  trust: Trust,
  options: { readonly head?: string } = {},
): TimelineEntry[] {
  const seen = new Set<string>();
  const found: { entry: TimelineEntry; comment: CommentRecord }[] = [];
  for (const comment of comments) {
    const entry = entryFromComment(comment, trust);
    if (!entry || seen.has(entry.key)) continue;
    seen.add(entry.key);
    found.push({ entry, comment });
  }
  const vouched = new Set<string>(options.head ? [options.head] : []);
  for (const { entry } of found) if (entry.prev && !entry.edited) vouched.add(entry.prev);
  return found.map(({ entry, comment }) => {
    const commentEdited = comment.updatedAt !== comment.createdAt;
    if (entry.edited || !changesState(entry) || !commentEdited) return entry;
    if (entry.hash !== undefined && vouched.has(entry.hash)) return entry;
    return { ...entry, edited: true } as TimelineEntry;
  });
}

/** Whether an entry changes who leads or how severe it is: what takes a request. */
function takes(entry: TimelineEntry): boolean {
  return (
    !entry.edited &&
    (entry.kind === 'severity' || ((entry.kind === 'role' || entry.kind === 'handoff') && entry.role === LEAD))
  );
}

/** Whether someone with push access took the request (set its severity or lead) in these entries. */
export function takenIn(entries: readonly TimelineEntry[]): boolean {
  return entries.some(takes);
}

export function initialState(declaration: Declaration): IncidentState {
  return {
    key: declaration.key,
    title: declaration.title,
    description: declaration.description,
    severity: declaration.severity,
    status: 'declared',
    roles: { [LEAD]: declaration.lead },
    private: declaration.private,
    drill: declaration.drill,
    services: declaration.services,
    declaredBy: declaration.declaredBy,
    timestamps: { declared: declaration.declaredAt },
    ...(declaration.publicTitle ? { publicTitle: declaration.publicTitle } : {}),
  };
}

function moveTo(state: IncidentState, to: Milestone, at: string): IncidentState {
  const t = state.timestamps;
  const timestamps =
    to === 'resolved'
      ? { ...t, mitigated: t.mitigated ?? at, resolved: t.resolved ?? at }
      : to === 'monitoring'
        ? { ...omit(t, 'resolved'), mitigated: t.mitigated ?? at }
        : omit(t, 'resolved');
  return { ...state, status: to, timestamps };
}

/**
 * Kinds that change the folded state. Logging the others (actions, observations, ...) is one request because it
 * leaves the body alone, so they must never change the state, or the body cache would drift from the fold.
 */
const STATE_KINDS: ReadonlySet<TimelineEntry['kind']> = new Set(['update', 'status', 'severity', 'role', 'handoff']);

export function changesState(entry: TimelineEntry): boolean {
  return STATE_KINDS.has(entry.kind);
}

/** Applies one entry. Pure: the same state and entry always give the same result. */
export function applyEntry(previous: IncidentState, entry: TimelineEntry): IncidentState {
  const state = stateOnly(previous);
  // An edited entry no longer says what was decided: it is shown, never followed.
  if (!changesState(entry) || entry.edited) return state;
  // Acknowledged: the first time someone took charge (an update, a status, a severity or a role).
  const acknowledged = state.timestamps.acknowledged ?? entry.at;
  const { head: _head, ...rest } = state;
  let next: IncidentState = {
    ...rest,
    timestamps: { ...state.timestamps, acknowledged },
    ...(entry.hash !== undefined ? { head: entry.hash } : {}),
  };
  switch (entry.kind) {
    case 'update':
      next = {
        ...next,
        ...(entry.publicTitle ? { publicTitle: entry.publicTitle } : {}),
        ...(entry.public ? { publishedAt: next.publishedAt ?? entry.at } : {}),
        lastUpdate: {
          at: entry.at,
          text: entry.text,
          by: entry.by,
          ...(entry.nextUpdateBy ? { nextUpdateBy: entry.nextUpdateBy } : {}),
        },
      };
      return entry.status && entry.status !== next.status ? moveTo(next, entry.status, entry.at) : next;
    case 'status':
      return moveTo(next, entry.to, entry.at);
    case 'severity':
      return { ...next, severity: entry.to };
    case 'role': {
      if (entry.login) return { ...next, roles: { ...next.roles, [entry.role]: entry.login } };
      // The lead is always staffed: releasing it without a successor is not possible.
      if (entry.role === LEAD) return next;
      const roles = { ...next.roles };
      delete roles[entry.role];
      return { ...next, roles };
    }
    case 'handoff':
      return { ...next, roles: { ...next.roles, [entry.role]: entry.to } };
    default:
      return next;
  }
}

/** Folds entries (in comment order, duplicates by key dropped) onto the declaration. */
export function fold(declaration: Declaration, entries: readonly TimelineEntry[]): IncidentState {
  const seen = new Set<string>();
  let state = initialState(declaration);
  for (const entry of entries) {
    if (seen.has(entry.key)) continue;
    seen.add(entry.key);
    state = applyEntry(state, entry);
  }
  return state;
}

const declarationSchema = z.object({
  key: z.string().min(1),
  title: z.string(),
  description: z.string(),
  severity: z.string().min(1),
  lead: z.string().min(1),
  declaredBy: z.string().min(1),
  declaredAt: isoDate,
  private: z.boolean(),
  drill: z.boolean(),
  services: z.array(z.string()),
  publicTitle: z.string().optional(),
  alert: z
    .object({ source: z.string().max(50), id: z.string().max(100), url: z.string().max(2000).optional() })
    .optional(),
});

const stateSchema = z.object({
  key: z.string(),
  title: z.string(),
  description: z.string(),
  severity: z.string(),
  status: milestone,
  roles: z.record(z.string(), z.string()),
  private: z.boolean(),
  drill: z.boolean(),
  services: z.array(z.string()),
  declaredBy: z.string(),
  timestamps: z.object({
    declared: isoDate,
    acknowledged: isoDate.optional(),
    mitigated: isoDate.optional(),
    resolved: isoDate.optional(),
  }),
  lastUpdate: z.object({ at: isoDate, text: z.string(), by: z.string(), nextUpdateBy: isoDate.optional() }).optional(),
  head: z.string().max(100).optional(),
  publicTitle: z.string().optional(),
  publishedAt: isoDate.optional(),
});

export interface BodyMarker {
  readonly declaration: Declaration;
  readonly state: IncidentState;
  /**
   * How many of the issue's comments the cached state folds (the first `through`); absent in bodies written before
   * it was recorded. Fewer than the issue's comment count means later comments may hold changes the view lacks.
   */
  readonly through?: number;
}

export function incidentMarker(declaration: Declaration, state: IncidentState, through?: number): string {
  // `key` at the top level lets a retried declare find the issue it may already have created.
  return formatMarker('incident', {
    key: declaration.key,
    declaration,
    state: stateOnly(state),
    ...(through !== undefined ? { through } : {}),
  });
}

/** Just the folded state, without what an Incident adds (repository, timeline, ...): what the body caches. */
export function stateOnly(state: IncidentState): IncidentState {
  return {
    key: state.key,
    title: state.title,
    description: state.description,
    severity: state.severity,
    status: state.status,
    roles: state.roles,
    private: state.private,
    drill: state.drill,
    services: state.services,
    declaredBy: state.declaredBy,
    timestamps: state.timestamps,
    ...(state.lastUpdate ? { lastUpdate: state.lastUpdate } : {}),
    ...(state.head !== undefined ? { head: state.head } : {}),
    ...(state.publicTitle !== undefined ? { publicTitle: state.publicTitle } : {}),
    ...(state.publishedAt !== undefined ? { publishedAt: state.publishedAt } : {}),
  };
}

/**
 * The declaration and cached state from an issue body, if its marker is intact and opens the body (a marker further
 * down is in someone's text, e.g. a form field). Whether the body may be trusted is the caller's question.
 */
export function readIncidentMarker(body: string | null | undefined): BodyMarker | undefined {
  const firstLine = (body ?? '').trimStart().split('\n', 1)[0] ?? '';
  const payload = readMarker(firstLine, 'incident');
  if (!payload) return undefined;
  const declaration = declarationSchema.safeParse(payload['declaration']);
  if (!declaration.success) return undefined;
  const state = stateSchema.safeParse(payload['state']);
  // A cached state without a lead is corrupt: fall back to the declaration, which always names one.
  const cached = state.success && state.data.roles[LEAD] ? (stripUndefined(state.data) as IncidentState) : undefined;
  const through = payload['through'];
  const { alert, ...declared } = stripUndefined(declaration.data) as Declaration;
  const read: Declaration = { ...declared, ...(alert ? { alert: stripUndefined(alert) as AlertRef } : {}) };
  return {
    declaration: read,
    state: cached ?? initialState(read),
    ...(cached && typeof through === 'number' && Number.isInteger(through) && through >= 0 ? { through } : {}),
  };
}

/**
 * What the issue itself says about the declaration, for issues without an intact marker: created from the web
 * issue form, by hand, or with a body someone edited. Labels and form sections fill in what they can.
 */
export function declarationFromIssue(issue: IssueRecord, config: FirebreakConfig, trust: Trust): Declaration {
  if (!isTrustedIssue(issue, trust)) return requestDeclaration(issue);
  const fromMarker = readIncidentMarker(issue.body);
  if (fromMarker) return fromMarker.declaration;
  const form = parseFormSections(issue.body ?? '');
  const severityLabel = issue.labels
    .find((l) => l.startsWith(config.labels.severityPrefix))
    ?.slice(config.labels.severityPrefix.length);
  const formSeverity = form.get('severity')?.toLowerCase();
  const known = (s: string | undefined) => (s && config.severities.some((c) => c.name === s) ? s : undefined);
  const formLead = form.get('lead')?.replace(/^@/, '');
  return {
    key: `issue-${issue.number}`,
    title: issue.title,
    description:
      form.get('what is happening') ?? form.get('description') ?? form.get('summary') ?? (issue.body ?? '').trim(),
    severity: known(severityLabel) ?? known(formSeverity) ?? TRIAGE,
    lead: (formLead && /^[A-Za-z0-9-]+$/.test(formLead) ? formLead : undefined) ?? issue.assignees[0] ?? issue.author,
    declaredBy: issue.author,
    declaredAt: issue.createdAt,
    private: false,
    drill: issue.labels.includes(config.labels.drill),
    services: (form.get('services') ?? form.get('services affected') ?? '')
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter((s) => s && s !== '_No response_'),
  };
}

/**
 * The declaration of a request (an issue opened by someone without push access): its words are the author's, but
 * severity, lead, services and drill are not theirs to set. The body's marker is read only for its description, so
 * that a body Firebreak rendered reads back as it was written.
 */
function requestDeclaration(issue: IssueRecord): Declaration {
  const form = parseFormSections(issue.body ?? '');
  const description =
    readIncidentMarker(issue.body)?.declaration.description ??
    form.get('what is happening') ??
    form.get('description') ??
    form.get('summary') ??
    (issue.body ?? '').trim();
  return {
    key: `issue-${issue.number}`,
    title: issue.title,
    description,
    severity: TRIAGE,
    lead: issue.author,
    declaredBy: issue.author,
    declaredAt: issue.createdAt,
    private: false,
    drill: false,
    services: [],
  };
}

/** `### Heading\n\nvalue` sections, as GitHub issue forms write them; keys lower-cased. */
export function parseFormSections(body: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = body.split(/^###\s+/m).slice(1);
  for (const part of parts) {
    const [heading = '', ...rest] = part.split('\n');
    const value = rest.join('\n').trim();
    if (value && value !== '_No response_') sections.set(heading.trim().toLowerCase(), value);
  }
  return sections;
}

export const ENTRY_KIND_SET: ReadonlySet<string> = new Set(ENTRY_KINDS);

function omit<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}

/** zod keeps `key: undefined` for absent optionals; exactOptionalPropertyTypes wants them absent. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
