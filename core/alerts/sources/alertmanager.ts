// Prometheus Alertmanager's webhook (payload version 4): one delivery per alert group, identified by its group key.
import { AlertShapeError, isObject, link, stringMap, labelledRouting, text, time, type Alert } from '../alert';

export function fromAlertmanager(body: unknown): Alert[] {
  if (!isObject(body)) throw new AlertShapeError('alertmanager', 'the body is not a JSON object');
  if (body['version'] !== '4')
    throw new AlertShapeError('alertmanager', `"version" is ${JSON.stringify(body['version'])}, expected "4"`);
  const groupKey = text(body['groupKey'], 4000);
  if (!groupKey) throw new AlertShapeError('alertmanager', '"groupKey" is missing');
  const status = body['status'];
  if (status !== 'firing' && status !== 'resolved')
    throw new AlertShapeError('alertmanager', '"status" must be "firing" or "resolved"');
  const alerts = Array.isArray(body['alerts']) ? body['alerts'].filter(isObject) : [];
  const common = stringMap(body['commonLabels']);
  const groupLabels = stringMap(body['groupLabels']);
  const annotations = stringMap(body['commonAnnotations']);
  const labels = { ...groupLabels, ...common };
  const starts = alerts.map((a) => time(a['startsAt'])).filter((t): t is string => t !== undefined);
  const firing = alerts.filter((a) => a['status'] === 'firing').length;
  const title =
    annotations['summary'] ?? labels['alertname'] ?? (Object.values(groupLabels).join(' ') || 'Alertmanager alert');
  const lines = alerts.slice(0, 10).map((a) => {
    const summary = text(stringMap(a['annotations'])['summary'] ?? stringMap(a['labels'])['instance'], 300);
    return `- ${a['status'] === 'resolved' ? 'resolved' : 'firing'}: ${summary ?? 'alert'}`;
  });
  const url = link(body['externalURL']) ?? link(alerts[0]?.['generatorURL']);
  return [
    {
      source: 'alertmanager',
      fingerprint: groupKey,
      status,
      title,
      description: [
        annotations['description'],
        alerts.length > 0 ? `${firing} of ${alerts.length} alerts firing:\n${lines.join('\n')}` : undefined,
      ]
        .filter(Boolean)
        .join('\n\n'),
      ...labelledRouting(labels),
      ...(url ? { url } : {}),
      labels,
      ...(starts.length > 0 ? { startsAt: starts.sort()[0] } : {}),
    },
  ];
}
