// When the next update on an incident is due, from its severity's cadence and the last update (or declaration).
import { findSeverity, TRIAGE_SEVERITY, type FirebreakConfig } from './config';
import { isActive, type IncidentState } from './incident';

export function cadenceMinutes(state: Pick<IncidentState, 'severity'>, config: FirebreakConfig): number {
  return (findSeverity(config, state.severity) ?? TRIAGE_SEVERITY).updateEveryMinutes;
}

/** Due time of the next update; undefined once resolved. A promised time in the last update wins if earlier. */
export function nextUpdateDue(state: IncidentState, config: FirebreakConfig): Date | undefined {
  if (!isActive(state)) return undefined;
  const since = state.lastUpdate?.at ?? state.timestamps.declared;
  const byCadence = Date.parse(since) + cadenceMinutes(state, config) * 60_000;
  const promised = state.lastUpdate?.nextUpdateBy
    ? Date.parse(state.lastUpdate.nextUpdateBy)
    : Number.POSITIVE_INFINITY;
  return new Date(Math.min(byCadence, promised));
}

export function isUpdateOverdue(state: IncidentState, config: FirebreakConfig, now: Date): boolean {
  const due = nextUpdateDue(state, config);
  return due !== undefined && due.getTime() < now.getTime();
}
