// Datadog's webhooks integration: the payload is a template the team writes, so Firebreak documents the one it reads
// (README "Alerts in"): $AGGREG_KEY (else $ALERT_CYCLE_KEY, else $ALERT_ID) identifies the alert, and
// $ALERT_TRANSITION says whether it fires ("Recovered" resolves it).
import { AlertShapeError, isObject, link, labelledRouting, text, time, type Alert } from '../alert';

export function fromDatadog(body: unknown): Alert[] {
  if (!isObject(body)) throw new AlertShapeError('datadog', 'the body is not a JSON object');
  const fingerprint =
    text(body['aggreg_key'], 200) ?? text(body['alert_cycle_key'], 200) ?? text(body['alert_id'], 200);
  if (!fingerprint)
    throw new AlertShapeError('datadog', 'none of "aggreg_key", "alert_cycle_key" or "alert_id" is set');
  const transition = text(body['alert_transition'], 50);
  if (!transition) throw new AlertShapeError('datadog', '"alert_transition" ($ALERT_TRANSITION) is missing');
  const labels: Record<string, string> = {};
  for (const tag of (text(body['tags'], 4000) ?? '').split(',')) {
    const [key, ...rest] = tag.trim().split(':');
    if (key) labels[key] = rest.join(':') || 'true';
  }
  const priority = text(body['priority'], 20);
  if (priority) labels['priority'] = priority;
  const url = link(body['link']);
  // $DATE is milliseconds since the epoch.
  const date = text(body['date'], 20);
  const startsAt = date && /^\d{10,13}$/.test(date) ? new Date(Number(date)).toISOString() : time(date);
  return [
    {
      source: 'datadog',
      fingerprint,
      status: /^recovered$/i.test(transition) ? 'resolved' : 'firing',
      title: (text(body['title'], 300) ?? 'Datadog alert').replace(
        /^\[(Triggered|Recovered|Warn|Re-Triggered)[^\]]*\]\s*/i,
        '',
      ),
      description: text(body['body'], 4000) ?? '',
      ...labelledRouting(labels),
      ...(url ? { url } : {}),
      labels,
      ...(startsAt ? { startsAt } : {}),
    },
  ];
}
