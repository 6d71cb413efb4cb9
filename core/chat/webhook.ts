// Posts incident news to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's /slack).
// The URL is a secret: it never appears in errors or logs.
import { FirebreakError } from '../domain/errors';
import type { IncidentSummary } from '../use-cases/freeze-report';
import type { ActiveIncident } from '../use-cases/status';

export interface WebhookMessage {
  /** Slack mrkdwn; also what clients without blocks show. */
  readonly text: string;
}

export interface WebhookOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** Retries after a 5xx, 429 or network error (default 1). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
}

export type IncidentEvent = 'declared' | 'resolved' | 'reopened';

/** Whether a text is a URL a webhook can be posted to; http only for local receivers. */
export function isWebhookUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
    );
  } catch {
    return false;
  }
}

/** Slack's three control characters; everything else in mrkdwn is safe to pass through. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** After the @ of a mention: the text reads the same, and no chat tool sees a mention in it. */
const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Broadcasts of every tool this webhook reaches: @here, @channel, @everyone (Slack with link_names, Mattermost,
 * Discord), @all (Mattermost, Rocket.Chat), @group/@room/@online (Rocket.Chat, Mattermost). Slack's own `<!here>`,
 * `<!channel>`, `<!everyone>`, `<!subteam^…>` and Discord's `<@id>` need a `<`, which escapeSlack already escapes.
 */
const BROADCAST = /@(?=(?:here|channel|everyone|all|group|room|online)(?![\p{L}\p{N}_-]))/giu;

export function defuseBroadcasts(text: string): string {
  return text.replace(BROADCAST, `@${ZERO_WIDTH_SPACE}`);
}

/** Every @mention in text someone typed (a title): Mattermost and Rocket.Chat page any @login. */
export function defuseMentions(text: string): string {
  return text.replace(/[@＠](?=[\p{L}\p{N}_])/gu, (at) => `${at}${ZERO_WIDTH_SPACE}`);
}

function link(url: string, text: string): string {
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeSlack(text).replace(/\|/g, '¦')}>`;
}

function incidentLine(incident: IncidentSummary & Partial<Pick<ActiveIncident, 'overdue'>>): string {
  const drill = incident.drill ? ' _(drill)_' : '';
  const overdue = incident.overdue ? ' · :warning: update overdue' : '';
  // A request's lead is whoever opened it (or named in it): nobody to page until someone with write access takes it.
  const lead = incident.request
    ? `request by @${ZERO_WIDTH_SPACE}${escapeSlack(incident.lead)}, not taken yet`
    : `lead @${escapeSlack(incident.lead)}`;
  const title = defuseMentions(`#${incident.number} ${incident.title}`);
  return `• ${link(incident.url, title)}${drill} · \`${escapeSlack(incident.severity)}\` · ${escapeSlack(incident.status)} · ${lead} · ${incident.age}${overdue}`;
}

const EVENT_TEXT: Readonly<Record<IncidentEvent, string>> = {
  declared: ':fire: *Incident declared*',
  resolved: ':white_check_mark: *Incident resolved*',
  reopened: ':fire: *Incident reopened*',
};

/** The message for a status run: an event first when one triggered it, then the active incidents. */
export function statusMessage(
  active: readonly ActiveIncident[],
  event?: { readonly kind: IncidentEvent; readonly incident: IncidentSummary },
): WebhookMessage {
  const lines: string[] = [];
  if (event) lines.push(`${EVENT_TEXT[event.kind]}: ${incidentLine(event.incident).slice(2)}`, '');
  if (active.length === 0) lines.push(':white_check_mark: No active incidents.');
  else lines.push(`*${active.length} active incident${active.length === 1 ? '' : 's'}*`, ...active.map(incidentLine));
  return { text: defuseBroadcasts(lines.join('\n')) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** POSTs the message as JSON. Throws a FirebreakError that never contains the URL. */
export async function postWebhook(url: string, message: WebhookMessage, options: WebhookOptions = {}): Promise<void> {
  if (!isWebhookUrl(url)) {
    throw new FirebreakError(
      'input',
      'The webhook URL is not an https URL.',
      'Set webhook-url to the incoming-webhook URL your chat tool gave you (keep it in a secret).',
    );
  }
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 1;
  let problem = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep((options.retryDelayMs ?? 1000) * attempt);
    // AbortSignal.timeout does not keep Node running, and fetch can hang holding nothing that does (a connection
    // accepted, then dropped): without this timer the step would end here with exit code 0, the message unsent.
    const keepAlive = setTimeout(() => {}, (options.timeoutMs ?? 10_000) + 1000);
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: message.text, mrkdwn: true }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      problem = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      // Only the error code: messages of network errors can carry the host and path, and the path is the secret.
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const code =
        typeof cause?.code === 'string'
          ? cause.code
          : (error as { name?: string }).name === 'TimeoutError'
            ? 'timeout'
            : 'network error';
      problem = code;
    } finally {
      clearTimeout(keepAlive);
    }
  }
  throw new FirebreakError(
    'unavailable',
    `The webhook did not accept the message (${problem}).`,
    problem.startsWith('HTTP 4')
      ? 'Check that the webhook URL is current (chat tools revoke URLs that leak).'
      : 'The chat service may be down; the next run posts again.',
  );
}
