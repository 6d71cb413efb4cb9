// The human side of an incident, as rules over the folded state and the clock: a comms lead early, a break once the
// impact stops, a retro while memory is fresh. Pure; every rule takes `now`, so tests pass the clock they want.
import { findSeverity, type FirebreakConfig } from './config';
import { isActive, type Incident, type IncidentState, type TimelineEntry } from './incident';

export const COMMS_ROLE = 'comms';
/** A break the extension suggests (and Call a Break offers first). */
export const DEFAULT_BREAK_MINUTES = 15;
/** Who logged entries in this window before now is who the break suggestion is for. */
const BREAK_WINDOW_MS = 60 * 60_000;
/** The first retro reminder comes this long before it is due (or halfway, for shorter windows). */
const RETRO_HEADS_UP_MINUTES = 1440;

type Folded = Pick<IncidentState, 'severity' | 'status' | 'roles' | 'timestamps' | 'drill'> & {
  readonly request?: boolean;
};

/**
 * When the nudge to name a comms lead is due: the severity asks for one (`comms-within`), nobody holds the role,
 * the incident is active and not a request. Undefined when no nudge applies; due when `now` is at or after it.
 */
export function commsNudgeAt(incident: Folded, config: FirebreakConfig): Date | undefined {
  if (!isActive(incident) || incident.request || incident.roles[COMMS_ROLE]) return undefined;
  if (!config.roles.some((r) => r.name === COMMS_ROLE)) return undefined;
  const within = findSeverity(config, incident.severity)?.commsWithinMinutes;
  if (within === undefined) return undefined;
  return new Date(Date.parse(incident.timestamps.declared) + within * 60_000);
}

export function commsNudgeDue(incident: Folded, config: FirebreakConfig, now: Date): boolean {
  const at = commsNudgeAt(incident, config);
  return at !== undefined && at.getTime() <= now.getTime();
}

export type RetroStage = 'pending' | 'due' | 'overdue';

export interface RetroDue {
  readonly dueAt: Date;
  /** When the first reminder goes out: a day before it is due (halfway, for windows under two days). */
  readonly remindAt: Date;
  /** `pending` before remindAt, `due` until dueAt, `overdue` after. */
  readonly stage: RetroStage;
}

/**
 * When a resolved incident's retro is due (its severity's `retro-within` after it resolved). Drills and requests
 * expect none. Whether one was posted (or skipped) is in the timeline: see `retroSettled`.
 */
export function retroDue(incident: Folded, config: FirebreakConfig, now: Date): RetroDue | undefined {
  if (incident.status !== 'resolved' || incident.drill || incident.request) return undefined;
  const within = findSeverity(config, incident.severity)?.retroWithinMinutes;
  const resolved = incident.timestamps.resolved;
  if (within === undefined || !resolved) return undefined;
  const dueAt = new Date(Date.parse(resolved) + within * 60_000);
  const remindAt = new Date(dueAt.getTime() - Math.min(RETRO_HEADS_UP_MINUTES, within / 2) * 60_000);
  const t = now.getTime();
  const stage: RetroStage = t >= dueAt.getTime() ? 'overdue' : t >= remindAt.getTime() ? 'due' : 'pending';
  return { dueAt, remindAt, stage };
}

/** A retro was posted, or a `retro` entry says it was skipped (and why): nothing more is due. */
export function retroSettled(timeline: readonly TimelineEntry[]): boolean {
  return timeline.some((e) => e.kind === 'retro' && !e.edited);
}

/**
 * Whether to suggest a break to `login` on this incident now: the impact stopped (monitoring or resolved), nobody
 * called a break since, and `login` logged an entry in the last hour. The edge shows it once per incident.
 */
export function breakSuggested(
  incident: Pick<Incident, 'status' | 'timestamps' | 'timeline'>,
  login: string,
  now: Date,
): boolean {
  if (incident.status !== 'monitoring' && incident.status !== 'resolved') return false;
  const since = Date.parse(incident.timestamps.mitigated ?? incident.timestamps.resolved ?? '') || 0;
  if (incident.timeline.some((e) => e.kind === 'break' && Date.parse(e.at) >= since)) return false;
  const from = now.getTime() - BREAK_WINDOW_MS;
  const me = login.toLowerCase();
  return incident.timeline.some(
    (e) => e.by.toLowerCase() === me && !('reaction' in e && e.reaction) && Date.parse(e.at) >= from,
  );
}
