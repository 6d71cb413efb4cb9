// The Slack adapter of the chat port over @slack/web-api's WebClient (SLACK_API_URL points it at the sandbox).
// Firebreak's channel messages carry Slack message metadata naming their timeline entry, so replicas agree.
import type { WebClient } from '@slack/web-api';
import {
  ChatError,
  type ChatChannel,
  type ChatForm,
  type ChatMessage,
  type ChatPort,
  type FormField,
} from './chat-port';

/** The `event_type` of the metadata on messages that are timeline entries. */
export const ENTRY_EVENT_TYPE = 'firebreak_entry';
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export interface SlackChatOptions {
  readonly token: string;
  readonly apiUrl?: string;
  /** How many messages recentKeys reads (one page). */
  readonly historyLimit?: number;
  readonly fetch?: typeof fetch;
}

interface RawMessage {
  ts?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  metadata?: { event_type?: string; event_payload?: { key?: unknown } };
}

function slackError(error: unknown): ChatError {
  const data = (error as { data?: { error?: unknown } }).data;
  const code = typeof data?.error === 'string' ? data.error : 'request_failed';
  return new ChatError(code, `Slack answered ${code}.`);
}

function plain(text: string, max = 150) {
  return { type: 'plain_text' as const, text: text.slice(0, max) };
}

function element(field: FormField): Record<string, unknown> {
  switch (field.kind) {
    case 'select':
      return {
        type: 'static_select',
        action_id: field.id,
        options: (field.options ?? []).map((o) => ({
          text: plain(o.label, 75),
          value: o.value,
          ...(o.description ? { description: plain(o.description, 75) } : {}),
        })),
        ...(field.initial
          ? {
              initial_option: (field.options ?? [])
                .filter((o) => o.value === field.initial)
                .map((o) => ({
                  text: plain(o.label, 75),
                  value: o.value,
                  ...(o.description ? { description: plain(o.description, 75) } : {}),
                }))[0],
            }
          : {}),
      };
    case 'checkbox':
      return { type: 'checkboxes', action_id: field.id, options: [{ text: plain(field.label), value: 'yes' }] };
    default:
      return {
        type: 'plain_text_input',
        action_id: field.id,
        multiline: field.kind === 'multiline',
        ...(field.initial ? { initial_value: field.initial } : {}),
      };
  }
}

/** A form as a Slack modal view: one input block per field, block_id = action_id = the field's id. */
export function slackView(form: ChatForm): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: form.id,
    title: plain(form.title, 24),
    submit: plain(form.submit, 24),
    close: plain('Cancel', 24),
    private_metadata: form.context,
    blocks: form.fields.map((field) => ({
      type: 'input',
      block_id: field.id,
      optional: field.optional === true,
      label: plain(field.label, 2000),
      element: element(field),
    })),
  };
}

export class SlackChat implements ChatPort {
  readonly chat = 'slack';
  private loaded: WebClient | undefined;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: SlackChatOptions) {
    this.doFetch = options.fetch ?? fetch;
  }

  /** The Web API client, loaded on first use: every other CLI command starts without it. */
  private async load(): Promise<WebClient> {
    if (this.loaded) return this.loaded;
    const { WebClient: Client } = await import('@slack/web-api');
    this.loaded ??= new Client(this.options.token, {
      slackApiUrl: this.options.apiUrl ?? DEFAULT_SLACK_API_URL,
      // A person waits: a few quick retries, never the client's default half hour.
      retryConfig: { retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 2000 },
      timeout: 10_000,
    });
    return this.loaded;
  }

  private get client(): WebClient {
    if (!this.loaded) throw new Error('the Slack client is used before it was loaded');
    return this.loaded;
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    await this.load();
    try {
      return await run();
    } catch (error) {
      throw slackError(error);
    }
  }

  async openForm(trigger: string, form: ChatForm): Promise<void> {
    await this.call(() => this.client.views.open({ trigger_id: trigger, view: slackView(form) as never }));
  }

  async createChannel(name: string, isPrivate: boolean): Promise<ChatChannel> {
    const answer = await this.call(() => this.client.conversations.create({ name, is_private: isPrivate }));
    const channel = answer.channel;
    return { id: channel?.id ?? '', name: channel?.name ?? name, private: channel?.is_private ?? isPrivate };
  }

  async channel(id: string): Promise<ChatChannel | undefined> {
    await this.load();
    try {
      const { channel } = await this.client.conversations.info({ channel: id });
      if (!channel?.id || channel.is_archived) return undefined;
      return { id: channel.id, name: channel.name ?? '', private: channel.is_private === true };
    } catch (error) {
      const failure = slackError(error);
      if (failure.code === 'channel_not_found') return undefined;
      throw failure;
    }
  }

  channelUrl(id: string): string {
    return `https://slack.com/app_redirect?channel=${encodeURIComponent(id)}`;
  }

  async invite(channel: string, users: readonly string[]): Promise<void> {
    await this.load();
    try {
      await this.client.conversations.invite({ channel, users: users.join(',') });
    } catch (error) {
      const failure = slackError(error);
      if (failure.code !== 'already_in_channel' && failure.code !== 'cant_invite_self') throw failure;
    }
  }

  async post(channel: string, text: string, key?: string): Promise<string> {
    const answer = await this.call(() =>
      this.client.chat.postMessage({
        channel,
        text,
        unfurl_links: false,
        ...(key ? { metadata: { event_type: ENTRY_EVENT_TYPE, event_payload: { key } } } : {}),
      }),
    );
    return answer.ts ?? '';
  }

  async bookmark(channel: string, title: string, url: string): Promise<void> {
    await this.call(() => this.client.bookmarks.add({ channel_id: channel, title, type: 'link', link: url }));
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await this.call(() => this.client.conversations.setTopic({ channel, topic: topic.slice(0, 250) }));
  }

  async ephemeral(channel: string, user: string, text: string): Promise<void> {
    await this.call(() => this.client.chat.postEphemeral({ channel, user, text }));
  }

  async respond(responseUrl: string, text: string, inChannel = false): Promise<void> {
    // response_url is Slack's own webhook for this one command; WebClient has no method for it.
    const response = await this.doFetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, response_type: inChannel ? 'in_channel' : 'ephemeral' }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new ChatError('response_url_failed', `Slack's response_url answered ${response.status}.`);
  }

  async message(channel: string, ts: string): Promise<ChatMessage | undefined> {
    const history = await this.call(() =>
      this.client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 }),
    );
    let raw = ((history.messages ?? []) as RawMessage[]).find((m) => m.ts === ts);
    // A reply in a thread is not in the history: replies() finds it from its own ts.
    if (!raw) {
      const replies = await this.call(() =>
        this.client.conversations.replies({ channel, ts, latest: ts, inclusive: true, limit: 1 }),
      ).catch(() => undefined);
      raw = ((replies?.messages ?? []) as RawMessage[]).find((m) => m.ts === ts);
    }
    return raw ? toMessage(raw) : undefined;
  }

  async recentKeys(channel: string): Promise<Set<string>> {
    const answer = await this.call(() =>
      this.client.conversations.history({
        channel,
        limit: this.options.historyLimit ?? 200,
        include_all_metadata: true,
      }),
    );
    return new Set(((answer.messages ?? []) as RawMessage[]).flatMap((m) => toMessage(m).key ?? []));
  }

  async userName(user: string): Promise<string> {
    await this.load();
    try {
      const { user: found } = await this.client.users.info({ user });
      return found?.profile?.display_name || found?.real_name || found?.name || user;
    } catch {
      return user;
    }
  }
}

function toMessage(raw: RawMessage): ChatMessage {
  const key = raw.metadata?.event_type === ENTRY_EVENT_TYPE ? raw.metadata.event_payload?.key : undefined;
  return {
    ts: raw.ts ?? '',
    ...(raw.user ? { user: raw.user } : {}),
    text: raw.text ?? '',
    ...(typeof key === 'string' ? { key } : {}),
  };
}
