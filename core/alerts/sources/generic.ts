// Any webhook: `{title, fingerprint, status: firing|resolved, severity?, service?, url?, description?, labels?}`.
import { AlertShapeError, isObject, link, stringMap, text, type Alert } from '../alert';

export function fromGeneric(body: unknown): Alert[] {
  if (!isObject(body)) throw new AlertShapeError('generic', 'the body is not a JSON object');
  const title = text(body['title'], 300);
  if (!title) throw new AlertShapeError('generic', '"title" is missing');
  const fingerprint = text(body['fingerprint'], 200);
  if (!fingerprint) throw new AlertShapeError('generic', '"fingerprint" is missing');
  const status = body['status'] ?? 'firing';
  if (status !== 'firing' && status !== 'resolved')
    throw new AlertShapeError('generic', '"status" must be "firing" or "resolved"');
  if (body['url'] !== undefined && !link(body['url']))
    throw new AlertShapeError('generic', '"url" must be an http(s) URL');
  const severity = text(body['severity'], 50);
  const service = text(body['service'], 100);
  const url = link(body['url']);
  const labels = stringMap(body['labels']);
  return [
    {
      source: 'generic',
      fingerprint,
      status,
      title,
      description: text(body['description'], 4000) ?? '',
      ...(severity ? { severity } : {}),
      ...(service ? { service } : {}),
      ...(url ? { url } : {}),
      labels: { ...labels, ...(severity ? { severity } : {}), ...(service ? { service } : {}) },
    },
  ];
}
