// PagerDuty v3 webhooks: one event per delivery; incident.triggered, .acknowledged and .resolved (and .reopened)
// are alerts, identified by the PagerDuty incident id. Other event types are accepted and ignored.
import { AlertShapeError, isObject, link, text, time, type Alert } from '../alert';

const ALERT_EVENTS = new Set(['incident.triggered', 'incident.acknowledged', 'incident.resolved', 'incident.reopened']);

export function fromPagerDuty(body: unknown): Alert[] {
  if (!isObject(body) || !isObject(body['event']))
    throw new AlertShapeError('pagerduty', 'the body has no "event" object');
  const event = body['event'];
  const type = text(event['event_type'], 100);
  if (!type) throw new AlertShapeError('pagerduty', '"event.event_type" is missing');
  if (!ALERT_EVENTS.has(type)) return [];
  const data = event['data'];
  if (!isObject(data)) throw new AlertShapeError('pagerduty', '"event.data" is missing');
  const id = text(data['id'], 100);
  if (!id) throw new AlertShapeError('pagerduty', '"event.data.id" (the incident id) is missing');
  const service = isObject(data['service']) ? text(data['service']['summary'], 200) : undefined;
  const priority = isObject(data['priority']) ? text(data['priority']['summary'], 50) : undefined;
  const urgency = text(data['urgency'], 50);
  const url = link(data['html_url']);
  const startsAt = time(data['created_at']);
  const labels: Record<string, string> = {
    event_type: type,
    ...(service ? { service } : {}),
    ...(priority ? { priority } : {}),
    ...(urgency ? { urgency } : {}),
  };
  const number = text(data['number'], 20);
  return [
    {
      source: 'pagerduty',
      fingerprint: id,
      status: type === 'incident.resolved' ? 'resolved' : 'firing',
      title: text(data['title'], 300) ?? `PagerDuty incident ${id}`,
      description: [
        number ? `PagerDuty incident #${number}` : `PagerDuty incident ${id}`,
        service ? `on ${service}` : undefined,
        urgency ? `(${urgency} urgency)` : undefined,
      ]
        .filter(Boolean)
        .join(' '),
      ...(priority ? { severity: priority } : {}),
      ...(service ? { service } : {}),
      ...(url ? { url } : {}),
      labels,
      ...(startsAt ? { startsAt } : {}),
    },
  ];
}
