// The event log: hidden `<!-- firebreak:TYPE {json} -->` markers in issue comments and bodies, converted to and from
// timeline entries, and folded into incident state. Comments are the truth; the body is a cache of the fold.
// A namespace import lets esbuild drop the parts of zod we do not use (the named `z` export keeps all of it).
import * as z from 'zod';
import type { FirebreakConfig } from './config';
import {
  ENTRY_KINDS,
  LEAD,
  LOG_KINDS,
  MILESTONES,
  TRIAGE,
  type Declaration,
  type IncidentState,
  type Milestone,
  type TimelineEntry,
} from './incident';
import type { CommentRecord, IssueRecord } from './records';

export const MARKER_VERSION = 1;
export type MarkerType = 'entry' | 'incident' | 'reminder' | 'follow-up' | 'digest' | 'retro-item';

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
// a forged marker in a drive-by comment on a public repository is ignored.
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

export function isTrustedAuthor(comment: Pick<CommentRecord, 'authorAssociation' | 'authorType'>): boolean {
  return TRUSTED_ASSOCIATIONS.has(comment.authorAssociation) || comment.authorType === 'Bot';
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
const base = { key: z.string().min(1).max(200), at: isoDate };
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
  z.object({ ...base, kind: z.literal('retro'), text: z.string() }),
]);

/** The marker line that starts an entry's comment. `by`, `commentId` and `url` come from GitHub, not the marker. */
export function entryMarker(entry: TimelineEntry): string {
  const { by: _by, commentId: _id, url: _url, ...payload } = entry;
  return formatMarker('entry', payload);
}

/** The entry a comment records, if its first line is a valid marker from a trusted author. */
export function entryFromComment(comment: CommentRecord): TimelineEntry | undefined {
  if (!comment.body.startsWith('<!-- firebreak:entry ') || !isTrustedAuthor(comment)) return undefined;
  const firstLine = comment.body.split('\n', 1)[0] ?? '';
  const payload = readMarker(firstLine, 'entry');
  if (!payload) return undefined;
  const parsed = entrySchema.safeParse(payload);
  if (!parsed.success) return undefined;
  return {
    ...stripUndefined(parsed.data),
    by: comment.author,
    commentId: comment.id,
    url: comment.url,
  } as TimelineEntry;
}

/** Entries in comment order, once per key (a retried write that landed twice counts once). */
export function entriesFromComments(comments: readonly CommentRecord[]): TimelineEntry[] {
  const seen = new Set<string>();
  const entries: TimelineEntry[] = [];
  for (const comment of comments) {
    const entry = entryFromComment(comment);
    if (!entry || seen.has(entry.key)) continue;
    seen.add(entry.key);
    entries.push(entry);
  }
  return entries;
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
  if (!changesState(entry)) return state;
  // Acknowledged: the first time someone took charge (an update, a status, a severity or a role).
  const acknowledged = state.timestamps.acknowledged ?? entry.at;
  let next: IncidentState = { ...state, timestamps: { ...state.timestamps, acknowledged } };
  switch (entry.kind) {
    case 'update':
      next = {
        ...next,
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
  };
}

/** The declaration and cached state from an issue body, if its marker is intact. */
export function readIncidentMarker(body: string | null | undefined): BodyMarker | undefined {
  const payload = readMarker(body ?? '', 'incident');
  if (!payload) return undefined;
  const declaration = declarationSchema.safeParse(payload['declaration']);
  if (!declaration.success) return undefined;
  const state = stateSchema.safeParse(payload['state']);
  // A cached state without a lead is corrupt: fall back to the declaration, which always names one.
  const cached = state.success && state.data.roles[LEAD] ? (stripUndefined(state.data) as IncidentState) : undefined;
  const through = payload['through'];
  return {
    declaration: declaration.data,
    state: cached ?? initialState(declaration.data),
    ...(cached && typeof through === 'number' && Number.isInteger(through) && through >= 0 ? { through } : {}),
  };
}

/**
 * What the issue itself says about the declaration, for issues without an intact marker: created from the web
 * issue form, by hand, or with a body someone edited. Labels and form sections fill in what they can.
 */
export function declarationFromIssue(issue: IssueRecord, config: FirebreakConfig): Declaration {
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
