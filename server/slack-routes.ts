// `POST /slack/events`: the one Request URL of the Slack app (slash commands, interactivity, Events API). Verifies
// Slack's signature over the raw body, acknowledges at once and does the work afterwards (tracked, so a graceful
// shutdown waits for it). Exists only when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are both set.
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest } from '../core/chat/chat-requests';
import { DEFAULT_SLACK_API_URL } from '../core/chat/slack-chat';
import { parseSlackRequest, verifySlackSignature } from '../core/chat/slack-requests';
import { json, type Route } from './routes';

export const SLACK_PATH = '/slack/events';

export interface SlackSettings {
  readonly signingSecret: string;
  readonly botToken: string;
  readonly apiUrl: string;
}

/** The Slack settings from the environment, when both secrets are set. */
export function slackSettingsFrom(env: NodeJS.ProcessEnv): SlackSettings | undefined {
  const signingSecret = env['SLACK_SIGNING_SECRET'];
  const botToken = env['SLACK_BOT_TOKEN'];
  if (!signingSecret || !botToken) return undefined;
  return { signingSecret, botToken, apiUrl: env['SLACK_API_URL'] || DEFAULT_SLACK_API_URL };
}

/** Work that goes on after the answer; close() waits for it. */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: (line: string) => void) {}

  start(what: string, work: () => Promise<void>): void {
    // setImmediate: the acknowledgement is written before the work starts.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) =>
        this.log(JSON.stringify({ time: new Date().toISOString(), background: what, error: String(error) })),
      )
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface SlackRouteOptions {
  readonly signingSecret: string;
  readonly handle: (request: ChatRequest) => Promise<void>;
  readonly background: BackgroundWork;
  readonly now?: () => Date;
}

export function slackRoutes(options: SlackRouteOptions): Route[] {
  return [
    {
      method: 'POST',
      path: SLACK_PATH,
      handle: (body, headers) => {
        const retry = header(headers, 'x-slack-retry-num');
        const log = retry ? { retry } : {};
        const verified = verifySlackSignature(
          options.signingSecret,
          body,
          header(headers, 'x-slack-request-timestamp'),
          header(headers, 'x-slack-signature'),
          options.now?.() ?? new Date(),
        );
        if (!verified)
          return Promise.resolve(
            json(401, { error: 'Missing, wrong or stale X-Slack-Signature; nothing was done.' }, log),
          );
        const request = parseSlackRequest(body, header(headers, 'content-type') ?? '');
        const logged = { ...log, slack: request.type };
        if (request.type === 'invalid') return Promise.resolve(json(400, { error: request.why }, logged));
        if (request.type === 'verify') return Promise.resolve(json(200, { challenge: request.challenge }, logged));
        if (request.type !== 'ignored') options.background.start(request.type, () => options.handle(request));
        // An empty 200: Slack shows nothing, closes a submitted modal and does not retry the event.
        return Promise.resolve(json(200, undefined, logged));
      },
    },
  ];
}
