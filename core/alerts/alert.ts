// The one shape every alert source is read into: which alert (source + fingerprint), whether it fires, and what a
// person needs to see. Pure data; the normalisers in this folder build it from each source's documented payload.
import { createHash } from 'node:crypto';
import { InputError } from '../domain/errors';

export const ALERT_SOURCES = ['alertmanager', 'grafana', 'pagerduty', 'datadog', 'sentry', 'generic'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export function isAlertSource(value: string): value is AlertSource {
  return (ALERT_SOURCES as readonly string[]).includes(value);
}

export const ALERT_SOURCE_NAMES: Readonly<Record<AlertSource, string>> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  pagerduty: 'PagerDuty',
  datadog: 'Datadog',
  sentry: 'Sentry',
  generic: 'a webhook',
};

export type AlertStatus = 'firing' | 'resolved';

export interface Alert {
  readonly source: AlertSource;
  /** What makes two deliveries the same alert (Alertmanager group key, Grafana fingerprint, PagerDuty incident id…). */
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly title: string;
  readonly description: string;
  /** The source's own severity word (e.g. `critical`), used when it names a configured severity. */
  readonly severity?: string;
  readonly service?: string;
  /** Where to look at the alert in its source. */
  readonly url?: string;
  /** Labels and fields routes match on. */
  readonly labels: Readonly<Record<string, string>>;
  /** When this firing episode began, when the source says (tells a new episode from a repeat). */
  readonly startsAt?: string;
}

/** The payload is JSON but not what the source documents: a 400 with the reason. */
export class AlertShapeError extends InputError {
  constructor(source: AlertSource, reason: string) {
    super(
      `Not a ${ALERT_SOURCE_NAMES[source]} alert: ${reason}.`,
      `Send the payload ${ALERT_SOURCE_NAMES[source]} documents for its webhook (see README "Alerts in").`,
    );
    this.name = 'AlertShapeError';
  }
}

/** A short, stable id of an alert (source + fingerprint), safe in keys and markers whatever the fingerprint holds. */
export function alertId(alert: Pick<Alert, 'source' | 'fingerprint'>): string {
  return createHash('sha256').update(`${alert.source}\n${alert.fingerprint}`).digest('hex').slice(0, 16);
}

const MAX_FIELD = 2000;

/** A text field of a payload, trimmed and bounded (payloads are untrusted). */
export function text(value: unknown, max = MAX_FIELD): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** A string -> string map of a payload (labels, tags); other values are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value).slice(0, 100)) {
    const t = text(v, 500);
    if (t !== undefined && key.length <= 100) out[key] = t;
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An http(s) URL, or nothing (a payload may carry any text where a link belongs). */
export function link(value: unknown): string | undefined {
  const t = text(value, 2000);
  if (!t) return undefined;
  try {
    const url = new URL(t);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A time the source gave, as ISO 8601; Go's zero time (`0001-01-01T00:00:00Z`) is no time. */
export function time(value: unknown): string | undefined {
  const t = text(value, 100);
  if (!t || t.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** An alert's severity and service, from its labels of those names (Alertmanager, Grafana, Datadog). */
export function labelledRouting(labels: Readonly<Record<string, string>>): Pick<Alert, 'severity' | 'service'> {
  return {
    ...(labels['severity'] ? { severity: labels['severity'] } : {}),
    ...(labels['service'] ? { service: labels['service'] } : {}),
  };
}
