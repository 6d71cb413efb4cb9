// Sentry's integration-platform alert webhooks: issue alerts (`event_alert`, one per triggered rule, identified by
// the Sentry issue id; they never resolve) and metric alerts (`metric_alert`: critical, warning, resolved).
import { AlertShapeError, isObject, link, text, time, type Alert } from '../alert';

export function fromSentry(body: unknown): Alert[] {
  if (!isObject(body) || !isObject(body['data'])) throw new AlertShapeError('sentry', 'the body has no "data" object');
  const data = body['data'];
  const action = text(body['action'], 50);
  if (isObject(data['metric_alert'])) {
    const incident = data['metric_alert'];
    const id = text(incident['id'], 100) ?? text(incident['identifier'], 100);
    if (!id) throw new AlertShapeError('sentry', '"data.metric_alert.id" is missing');
    if (action !== 'critical' && action !== 'warning' && action !== 'resolved')
      throw new AlertShapeError('sentry', '"action" of a metric alert must be critical, warning or resolved');
    const rule = isObject(incident['alert_rule']) ? incident['alert_rule'] : {};
    const url = link(data['web_url']);
    const startsAt = time(incident['date_started']);
    const labels: Record<string, string> = {
      level: action,
      ...(text(rule['name'], 200) ? { rule: text(rule['name'], 200) as string } : {}),
    };
    return [
      {
        source: 'sentry',
        fingerprint: `metric:${id}`,
        status: action === 'resolved' ? 'resolved' : 'firing',
        title: (text(data['description_title'], 300) ?? text(rule['name'], 300) ?? 'Sentry metric alert').replace(
          /^(Critical|Warning|Resolved):\s*/i,
          '',
        ),
        description: text(data['description_text'], 4000) ?? '',
        ...(action !== 'resolved' ? { severity: action } : {}),
        ...(url ? { url } : {}),
        labels,
        ...(startsAt ? { startsAt } : {}),
      },
    ];
  }
  if (isObject(data['event'])) {
    const event = data['event'];
    const issueId = text(event['issue_id'], 100);
    if (!issueId) throw new AlertShapeError('sentry', '"data.event.issue_id" is missing');
    const labels: Record<string, string> = {};
    if (Array.isArray(event['tags'])) {
      for (const tag of event['tags'].slice(0, 100)) {
        if (Array.isArray(tag) && typeof tag[0] === 'string' && typeof tag[1] === 'string')
          labels[tag[0].slice(0, 100)] = tag[1].slice(0, 500);
      }
    }
    const rule = text(data['triggered_rule'], 200);
    if (rule) labels['rule'] = rule;
    const level = text(event['level'], 20);
    if (level) labels['level'] = level;
    const url = link(event['web_url']);
    const culprit = text(event['culprit'], 300);
    return [
      {
        source: 'sentry',
        fingerprint: `issue:${issueId}`,
        status: 'firing',
        title: text(event['title'], 300) ?? `Sentry issue ${issueId}`,
        description: [rule ? `Alert rule: ${rule}` : undefined, culprit ? `In ${culprit}` : undefined]
          .filter(Boolean)
          .join('\n'),
        ...(level ? { severity: level } : {}),
        ...(url ? { url } : {}),
        labels,
      },
    ];
  }
  throw new AlertShapeError('sentry', 'neither "data.event" (issue alert) nor "data.metric_alert" (metric alert)');
}
