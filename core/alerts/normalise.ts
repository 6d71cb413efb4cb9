// From a source's payload to alerts: the one entry point the server and the Action call.
import type { Alert, AlertSource } from './alert';
import { fromAlertmanager } from './sources/alertmanager';
import { fromDatadog } from './sources/datadog';
import { fromGeneric } from './sources/generic';
import { fromGrafana } from './sources/grafana';
import { fromPagerDuty } from './sources/pagerduty';
import { fromSentry } from './sources/sentry';

const NORMALISERS: Readonly<Record<AlertSource, (body: unknown) => Alert[]>> = {
  alertmanager: fromAlertmanager,
  grafana: fromGrafana,
  pagerduty: fromPagerDuty,
  datadog: fromDatadog,
  sentry: fromSentry,
  generic: fromGeneric,
};

/** The alerts in a payload (none for events that are not alerts, e.g. a PagerDuty note); AlertShapeError if bad. */
export function normaliseAlerts(source: AlertSource, body: unknown): Alert[] {
  return NORMALISERS[source](body);
}
