// The real core objects wired to a sandbox over HTTP, and a local webhook receiver, for the use-case suites
// (freeze, follow-ups, status, webhook) and the Action's suite.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FirebreakConfig } from '../../core/domain/config';
import type { Renderer } from '../../core/domain/render';
import type { IssueGateway } from '../../core/github/issue-gateway';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import type { Sandbox } from '../../sandbox/server';
import { REPO_SLUG, wired } from '../support/fixtures';

export const REPO = REPO_SLUG;

export interface World {
  readonly gateway: IssueGateway;
  readonly config: FirebreakConfig;
  readonly renderer: Renderer;
  /** An incident service acting as `actor`, with its clock at `now` (for incidents declared in the past). */
  service(options?: { now?: Date; actor?: string }): IncidentContext;
}

/** The shared service builder (test/support/fixtures.ts), one retry, as the use-case suites want it. */
export function world(
  sandbox: Sandbox,
  options: { token?: string; config?: FirebreakConfig; repo?: string } = {},
): World {
  const w = wired(sandbox, { ...options, retries: 1 });
  return { gateway: w.gateway, config: w.config, renderer: w.renderer, service: (o = {}) => w.serviceAs(o) };
}

/** The body GitHub's issue form (.github/ISSUE_TEMPLATE/incident.yml) produces. */
export function issueFormBody(fields: { severity: string; what: string; services?: string; lead?: string }): string {
  return [
    '### Severity',
    '',
    fields.severity,
    '',
    '### What is happening',
    '',
    fields.what,
    '',
    '### Services',
    '',
    fields.services ?? '_No response_',
    '',
    '### Lead',
    '',
    fields.lead ?? '_No response_',
  ].join('\n');
}

/** Requests the sandbox answered for a method and path prefix. */
export function requestsTo(sandbox: Sandbox, method: string, pathIncludes = ''): number {
  return sandbox.requests.filter((r) => r.method === method && r.path.includes(pathIncludes)).length;
}

export interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A Slack-like incoming-webhook receiver on 127.0.0.1 that answers with the queued statuses (then 200). */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  answers: number[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/s3cr3t-webhook-path`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
