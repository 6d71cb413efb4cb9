// Alert server fixtures: an in-process `firebreak serve` (server/app.ts, wired as the CLI wires it) pointed at the
// sandbox, a delivery helper that signs as each source does, and the documented payloads of test/fixtures/alerts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FirebreakConfig } from '../../core/domain/config';
import { defaultConfig } from '../../core/domain/config';
import type { Sandbox } from '../../sandbox/server';
import { startAlertServer, type AlertServer } from '../../server/app';
import { credentialsFrom } from '../../server/credentials';
import { ADMIN_TOKEN, FAST_CLIENT, REPO, REPO_SLUG } from '../support/fixtures';

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

const ROOT = join(__dirname, '..', '..');

/**
 * `firebreak serve` as its own process (the built CLI, as `npx firebreak` runs it), with the URL it prints. `env` holds
 * its secrets; the GitHub token is the sandbox admin's.
 */
export async function serveProcess(
  apiUrl: string,
  env: Readonly<Record<string, string>>,
): Promise<{ url: string; child: ChildProcess; output: string[] }> {
  const cwd = mkdtempSync(join(tmpdir(), 'firebreak-serve-'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'cli.js'), 'serve', '--port', '0', '--repo', REPO_SLUG, '--api-url', apiUrl],
    {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', GITHUB_TOKEN: ADMIN_TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output.join('')}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      output.push(d.toString());
      const match = /Listening on (\S+)/.exec(output.join(''));
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output.join('')}`)));
  });
  return { url, child, output };
}
