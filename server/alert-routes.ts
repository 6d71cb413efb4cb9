// `POST /alerts/<source>`: authenticate the delivery as its source does, read the payload into alerts, and hand
// them to the AlertIntake use case. A source whose secret is not set has no route (404).
import type { IncomingHttpHeaders } from 'node:http';
import { AlertShapeError, type AlertSource } from '../core/alerts/alert';
import { normaliseAlerts } from '../core/alerts/normalise';
import { describeError, FirebreakError } from '../core/domain/errors';
import type { AlertIntake } from '../core/use-cases/alerts';
import { bearerMatches, pagerDutySignatureMatches, sentrySignatureMatches } from './auth';
import { json, type Reply, type Route } from './routes';

export interface AlertSecrets {
  /** FIREBREAK_ALERT_TOKEN: the bearer token of Alertmanager, Grafana, Datadog and the generic webhook. */
  readonly token?: string;
  /** FIREBREAK_PAGERDUTY_SECRET: the signing secret of the PagerDuty webhook subscription. */
  readonly pagerduty?: string;
  /** FIREBREAK_SENTRY_SECRET: the client secret of the Sentry integration. */
  readonly sentry?: string;
}

export function alertSecretsFrom(env: NodeJS.ProcessEnv): AlertSecrets {
  const token = env['FIREBREAK_ALERT_TOKEN'];
  const pagerduty = env['FIREBREAK_PAGERDUTY_SECRET'];
  const sentry = env['FIREBREAK_SENTRY_SECRET'];
  return { ...(token ? { token } : {}), ...(pagerduty ? { pagerduty } : {}), ...(sentry ? { sentry } : {}) };
}

type Check = (body: Buffer, headers: IncomingHttpHeaders) => boolean;

/** Each enabled source and how its deliveries prove who sent them. */
export function enabledSources(secrets: AlertSecrets): Map<AlertSource, Check> {
  const sources = new Map<AlertSource, Check>();
  const { token, pagerduty, sentry } = secrets;
  if (token) {
    for (const source of ['alertmanager', 'grafana', 'datadog', 'generic'] as const)
      sources.set(source, (_body, headers) => bearerMatches(headers, token));
  }
  if (pagerduty) sources.set('pagerduty', (body, headers) => pagerDutySignatureMatches(headers, body, pagerduty));
  if (sentry) sources.set('sentry', (body, headers) => sentrySignatureMatches(headers, body, sentry));
  return sources;
}

export function alertRoutes(intake: AlertIntake, secrets: AlertSecrets): Route[] {
  return [...enabledSources(secrets)].map(([source, check]) => ({
    method: 'POST',
    path: `/alerts/${source}`,
    handle: (body, headers) => receive(intake, source, check, body, headers),
  }));
}

async function receive(
  intake: AlertIntake,
  source: AlertSource,
  check: Check,
  body: Buffer,
  headers: IncomingHttpHeaders,
): Promise<Reply> {
  if (!check(body, headers))
    return json(401, { error: `Wrong or missing credentials for ${source}; nothing was written.` }, { source });
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return json(400, { error: 'The body is not JSON.' }, { source });
  }
  let alerts;
  try {
    alerts = normaliseAlerts(source, payload);
  } catch (error) {
    if (error instanceof AlertShapeError) return json(400, { error: error.message }, { source });
    throw error;
  }
  if (alerts.length === 0) return json(202, { alerts: [], note: 'Not an alert event; nothing to do.' }, { source });
  try {
    const outcomes = await intake.receiveAll(alerts);
    return json(200, { alerts: outcomes }, { source, alerts: outcomes });
  } catch (error) {
    // GitHub refused or failed: the source retries a 5xx, and a retry finds what landed instead of writing twice.
    const status = error instanceof FirebreakError ? 502 : 500;
    const message = error instanceof FirebreakError ? describeError(error) : 'Internal error.';
    return json(status, { error: message }, { source, error: describeError(error) });
  }
}
