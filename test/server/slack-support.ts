// Slack fixtures: an in-process `firebreak serve` with Slack set up against the sandbox's Slack and GitHub, and
// requests signed as Slack signs them (commands, interactivity payloads, Events API), plus GitHub webhook deliveries.
import { createHmac } from 'node:crypto';
import { parseConfig, type FirebreakConfig } from '../../core/domain/config';
import type { Sandbox } from '../../sandbox/server';
import { startAlertServer, type AlertServer } from '../../server/app';
import { credentialsFrom } from '../../server/credentials';
import { ADMIN_TOKEN, FAST_CLIENT, REPO, REPO_SLUG } from '../support/fixtures';

export const SLACK_SECRET = 'slack-signing-secret-0123';
export const SLACK_TOKEN = 'xoxb-sandbox-token';
export const WEBHOOK_SECRET = 'github-webhook-secret';

/** ULEAD and UCOMMS are linked to logins with write access; UREADER to one without; USUPPORT to nobody. */
export const SLACK_CONFIG_YAML = `slack:
  users:
    ULEAD: octo-lead
    UCOMMS: octo-comms
    UREADER: octo-reader
`;

export function slackConfig(): FirebreakConfig {
  return parseConfig(SLACK_CONFIG_YAML);
}

export function slackApiUrl(sandbox: Sandbox): string {
  return `${sandbox.url}/slack/api/`;
}

export interface SlackTestServer extends AlertServer {
  readonly lines: string[];
}

export async function slackServer(
  sandbox: Sandbox,
  options: { config?: FirebreakConfig } = {},
): Promise<SlackTestServer> {
  const lines: string[] = [];
  const server = await startAlertServer({
    workspace: {
      config: options.config ?? slackConfig(),
      repository: REPO,
      apiUrl: sandbox.url,
      webUrl: sandbox.webUrl,
    },
    credentials: await credentialsFrom({ GITHUB_TOKEN: ADMIN_TOKEN }, sandbox.url, REPO),
    secrets: {},
    webhookSecret: WEBHOOK_SECRET,
    slack: { signingSecret: SLACK_SECRET, botToken: SLACK_TOKEN, apiUrl: slackApiUrl(sandbox) },
    port: 0,
    log: (line) => lines.push(line),
    client: FAST_CLIENT,
  });
  return Object.assign(server, { lines });
}

export function slackSignature(body: string, timestamp: string, secret = SLACK_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackPost {
  readonly contentType?: string;
  /** Seconds since the epoch; now by default. */
  readonly timestamp?: number;
  readonly signature?: string | null;
  readonly headers?: Record<string, string>;
}

export async function postSlack(
  url: string,
  body: string,
  options: SlackPost = {},
): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = options.signature === undefined ? slackSignature(body, timestamp) : options.signature;
  const started = performance.now();
  const response = await fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      ...(signature !== null ? { 'x-slack-signature': signature } : {}),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

export function commandBody(
  sandbox: Sandbox,
  text: string,
  options: { user?: string; channel?: string; channelName?: string } = {},
): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0SANDBOX',
    channel_id: options.channel ?? 'CGENERAL',
    channel_name: options.channelName ?? 'general',
    user_id: options.user ?? 'ULEAD',
    user_name: 'someone',
    command: '/incident',
    text,
    response_url: sandbox.slack.responseUrl(),
    trigger_id: `1337.42.${Math.random().toString(16).slice(2)}`,
    api_app_id: 'A0FIREBREAK',
  }).toString();
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A view_submission of the declare modal as Slack sends it: values by block id and action id. */
export function declareSubmission(
  values: { title: string; severity?: string; service?: string; description?: string; private?: boolean },
  options: { user?: string; viewId?: string } = {},
): string {
  return interactionBody({
    type: 'view_submission',
    team: { id: 'T0SANDBOX' },
    user: { id: options.user ?? 'ULEAD' },
    trigger_id: '1337.42.abc',
    view: {
      id: options.viewId ?? `V${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
      type: 'modal',
      callback_id: 'firebreak_declare',
      private_metadata: '{}',
      state: {
        values: {
          title: { title: { type: 'plain_text_input', value: values.title } },
          severity: {
            severity: {
              type: 'static_select',
              selected_option: values.severity
                ? { value: values.severity, text: { type: 'plain_text', text: values.severity } }
                : null,
            },
          },
          service: { service: { type: 'plain_text_input', value: values.service ?? null } },
          description: { description: { type: 'plain_text_input', value: values.description ?? null } },
          private: { private: { type: 'checkboxes', selected_options: values.private ? [{ value: 'yes' }] : [] } },
        },
      },
    },
  });
}

export function reactionEvent(
  user: string,
  channel: string,
  ts: string,
  reaction = 'rocket',
  eventId = 'Ev0001',
): string {
  return JSON.stringify({
    token: 'deprecated',
    team_id: 'T0SANDBOX',
    api_app_id: 'A0FIREBREAK',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'reaction_added',
      user,
      reaction,
      item_user: 'UCOMMS',
      item: { type: 'message', channel, ts },
      event_ts: ts,
    },
  });
}

/** A GitHub `issue_comment` delivery for an incident, signed with the webhook secret. */
export async function deliverIssueComment(url: string, number: number, delivery: string): Promise<number> {
  const body = JSON.stringify({
    action: 'created',
    issue: { number, title: 'x' },
    comment: { id: 1, body: '' },
    repository: { full_name: REPO_SLUG, name: REPO.name, owner: { login: REPO.owner } },
  });
  const response = await fetch(`${url}/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Waits until `check` holds (background work after Slack's acknowledgement). */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
