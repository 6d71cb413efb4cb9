// Which route an alert takes (`alerts.routes` in .github/incidents.yml): the first route whose every `match` entry
// fits decides the action, service, severity and auto-resolve; without one, declare at triage, or at the alert's own
// severity when it names a configured severity.
import { findSeverity, TRIAGE_SEVERITY, type AlertAction, type FirebreakConfig } from '../domain/config';
import type { Alert } from './alert';

export interface AlertDecision {
  readonly action: AlertAction;
  readonly severity: string;
  readonly service?: string;
  readonly autoResolve: boolean;
  /** Index of the route that matched, if any (for logs). */
  readonly route?: number;
}

/** The fields of an alert a route can match: its labels, then `source`, `title`, `severity`, `service`, `status`. */
export function alertFields(alert: Alert): Record<string, string> {
  return {
    ...alert.labels,
    source: alert.source,
    title: alert.title,
    status: alert.status,
    ...(alert.severity ? { severity: alert.severity } : {}),
    ...(alert.service ? { service: alert.service } : {}),
  };
}

/** `*` matches any text; everything else is compared without case. */
function fits(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (!pattern.includes('*')) return pattern.toLowerCase() === value.toLowerCase();
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(value);
}

export function routeAlert(config: FirebreakConfig, alert: Alert): AlertDecision {
  const fields = alertFields(alert);
  const index = config.alerts.routes.findIndex((route) =>
    Object.entries(route.match).every(([key, pattern]) => fits(pattern, fields[key])),
  );
  const route = index >= 0 ? config.alerts.routes[index] : undefined;
  const own = alert.severity ? findSeverity(config, alert.severity.toLowerCase())?.name : undefined;
  const knownService =
    alert.service && (config.services.length === 0 || config.services.some((s) => s.name === alert.service))
      ? alert.service
      : undefined;
  const service = route?.service ?? knownService;
  return {
    action: route?.action ?? 'declare',
    severity: route?.severity ?? own ?? TRIAGE_SEVERITY.name,
    ...(service ? { service } : {}),
    autoResolve: route?.autoResolve ?? false,
    ...(route ? { route: index } : {}),
  };
}
