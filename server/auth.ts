// Who may deliver alerts: a shared bearer token (Alertmanager's `authorization`, Grafana's and Datadog's custom
// headers, the generic webhook), PagerDuty's v3 signature (`X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the
// body>`, several during a secret rotation) and Sentry's (`Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>`).
// Every comparison takes the same time whatever the input: both sides are hashed to equal length first.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Whether two secrets are equal, in time that does not depend on where they differ (or on their lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function bearerMatches(headers: IncomingHttpHeaders, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(headers, 'authorization') ?? '');
  return sameSecret(match?.[1] ?? '', token) && match !== null;
}

export function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function pagerDutySignatureMatches(headers: IncomingHttpHeaders, body: Buffer, secret: string): boolean {
  const expected = `v1=${hmacHex(secret, body)}`;
  const given = (header(headers, 'x-pagerduty-signature') ?? '').split(',').map((s) => s.trim());
  // Check every signature (no early exit), so the time does not say which one matched.
  return given.map((signature) => sameSecret(signature, expected)).reduce((a, b) => a || b, false);
}

export function sentrySignatureMatches(headers: IncomingHttpHeaders, body: Buffer, secret: string): boolean {
  return sameSecret((header(headers, 'sentry-hook-signature') ?? '').trim().toLowerCase(), hmacHex(secret, body));
}
