// Grafana unified alerting's webhook contact point: one delivery may carry several alerts, each with its fingerprint.
import { AlertShapeError, isObject, link, stringMap, labelledRouting, text, time, type Alert } from '../alert';

export function fromGrafana(body: unknown): Alert[] {
  if (!isObject(body)) throw new AlertShapeError('grafana', 'the body is not a JSON object');
  if (!Array.isArray(body['alerts'])) throw new AlertShapeError('grafana', '"alerts" is not a list');
  return body['alerts'].map((raw, i): Alert => {
    if (!isObject(raw)) throw new AlertShapeError('grafana', `alerts[${i}] is not an object`);
    const fingerprint = text(raw['fingerprint'], 200);
    if (!fingerprint) throw new AlertShapeError('grafana', `alerts[${i}].fingerprint is missing`);
    const status = raw['status'];
    if (status !== 'firing' && status !== 'resolved')
      throw new AlertShapeError('grafana', `alerts[${i}].status must be "firing" or "resolved"`);
    const labels = stringMap(raw['labels']);
    const annotations = stringMap(raw['annotations']);
    const url = link(raw['panelURL']) ?? link(raw['dashboardURL']) ?? link(raw['generatorURL']);
    const startsAt = time(raw['startsAt']);
    const runbook = link(annotations['runbook_url']);
    return {
      source: 'grafana',
      fingerprint,
      status,
      title: annotations['summary'] ?? labels['alertname'] ?? 'Grafana alert',
      description: [annotations['description'], runbook ? `Runbook: ${runbook}` : undefined]
        .filter(Boolean)
        .join('\n\n'),
      ...labelledRouting(labels),
      ...(url ? { url } : {}),
      labels,
      ...(startsAt ? { startsAt } : {}),
    };
  });
}
