// Alert server fixtures: an in-process `firebreak serve` (server/app.ts, wired as the CLI wires it) pointed at the
// sandbox, a delivery helper that signs as each source does, and the documented payloads of test/fixtures/alerts.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FirebreakConfig } from '../../core/domain/config';
import { defaultConfig } from '../../core/domain/config';
import type { Sandbox } from '../../sandbox/server';
import { startAlertServer, type AlertServer } from '../../server/app';
import { credentialsFrom } from '../../server/credentials';
import { ADMIN_TOKEN, FAST_CLIENT, REPO } from '../support/fixtures';

export const ALERT_TOKEN = 'alert-token-0123456789';
export const PAGERDUTY_SECRET = 'pd-signing-secret';
export const SENTRY_SECRET = 'sentry-client-secret';
export const SECRETS = { token: ALERT_TOKEN, pagerduty: PAGERDUTY_SECRET, sentry: SENTRY_SECRET } as const;

const FIXTURES = join(__dirname, '..', 'fixtures', 'alerts');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
}

export interface TestServer extends AlertServer {
  readonly lines: string[];
}

export async function alertServer(
  sandbox: Sandbox,
  options: { config?: FirebreakConfig; secrets?: Parameters<typeof startAlertServer>[0]['secrets'] } = {},
): Promise<TestServer> {
  const lines: string[] = [];
  const server = await startAlertServer({
    workspace: {
      config: options.config ?? defaultConfig(),
      repository: REPO,
      apiUrl: sandbox.url,
      webUrl: sandbox.webUrl,
    },
    credentials: await credentialsFrom({ GITHUB_TOKEN: ADMIN_TOKEN }, sandbox.url, REPO),
    secrets: options.secrets ?? SECRETS,
    port: 0,
    log: (line) => lines.push(line),
    client: FAST_CLIENT,
  });
  return Object.assign(server, { lines });
}

/** The headers each source sends: its bearer token or its signature of the body. */
export function signed(source: string, body: string): Record<string, string> {
  const hmac = (secret: string) => createHmac('sha256', secret).update(body).digest('hex');
  if (source === 'pagerduty') return { 'x-pagerduty-signature': `v1=${hmac(PAGERDUTY_SECRET)}` };
  if (source === 'sentry') return { 'sentry-hook-signature': hmac(SENTRY_SECRET), 'sentry-hook-resource': 'x' };
  return { authorization: `Bearer ${ALERT_TOKEN}` };
}

export async function deliver(
  url: string,
  source: string,
  body: string,
  headers: Record<string, string> = signed(source, body),
): Promise<{ status: number; body: { alerts?: { result: string; number?: number }[]; error?: string } }> {
  const response = await fetch(`${url}/alerts/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as never };
}
