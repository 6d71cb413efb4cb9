// A Slack Web API for the sandbox (served under /slack/api/ by sandbox/server.ts, so SLACK_API_URL can point here):
// the methods Firebreak uses, answering as Slack documents them (HTTP 200 with `ok`, `error` on failure), plus
// response_url endpoints (/slack/responses/N). Every call is recorded for tests and the drill.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SlackCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** The `error` Slack answered, if any. */
  readonly error?: string;
}

export interface SlackSandboxMessage {
  type: 'message';
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface SlackSandboxChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  created: number;
  topic: string;
  members: string[];
  messages: SlackSandboxMessage[];
  bookmarks: { id: string; title: string; link: string }[];
  pins: string[];
}

export interface SlackSandboxUser {
  id: string;
  name: string;
  real_name?: string;
}

export const SANDBOX_BOT_USER = 'UFIREBREAK';
export const DEFAULT_SLACK_USERS: readonly SlackSandboxUser[] = [
  { id: 'ULEAD', name: 'octo-lead', real_name: 'Octo Lead' },
  { id: 'UCOMMS', name: 'octo-comms', real_name: 'Octo Comms' },
  { id: 'USUPPORT', name: 'sam-support', real_name: 'Sam Support' },
];

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;

class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Form fields that Slack's clients send as JSON text (WebClient serializes objects that way). */
const JSON_FIELDS = new Set(['view', 'metadata', 'blocks', 'attachments']);

function parseArgs(raw: Buffer, contentType: string, query: URLSearchParams): Args {
  const args: Args = Object.fromEntries(query);
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return { ...args, ...(text ? (JSON.parse(text) as Args) : {}) };
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

export class SlackSandbox {
  readonly calls: SlackCall[] = [];
  readonly channels = new Map<string, SlackSandboxChannel>();
  readonly users = new Map<string, SlackSandboxUser>();
  /** Views opened with views.open, newest last. */
  readonly views: Record<string, unknown>[] = [];
  /** Ephemeral messages: only `user` saw them. */
  readonly ephemerals: { channel: string; user: string; text: string }[] = [];
  /** What was posted to each response_url. */
  readonly responses: { id: number; body: Record<string, unknown> }[] = [];
  /** Delay before each Web API answer. */
  latencyMs = 0;
  private readonly failures: { method: string; error: string }[] = [];
  private nextChannel = 1;
  private nextTs = 0;
  private nextResponse = 1;

  constructor(private readonly baseUrl: () => string) {
    for (const user of DEFAULT_SLACK_USERS) this.users.set(user.id, { ...user });
    this.users.set(SANDBOX_BOT_USER, { id: SANDBOX_BOT_USER, name: 'firebreak' });
  }

  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.failures.push({ method, error });
  }

  /** A response_url as Slack hands one out with a command. */
  responseUrl(): string {
    return `${this.baseUrl()}/slack/responses/${this.nextResponse++}`;
  }

  /** A channel made by hand (a person's, or one for a test), with messages posted by users. */
  addChannel(name: string, options: { isPrivate?: boolean; members?: string[] } = {}): SlackSandboxChannel {
    const channel: SlackSandboxChannel = {
      id: `C${String(this.nextChannel++).padStart(8, '0')}`,
      name,
      is_private: options.isPrivate === true,
      is_archived: false,
      created: Math.floor(Date.now() / 1000),
      topic: '',
      members: [...(options.members ?? [])],
      messages: [],
      bookmarks: [],
      pins: [],
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A person's message in a channel (what Slack would hold before a reaction_added event). */
  addMessage(channel: string, user: string, text: string, threadTs?: string): SlackSandboxMessage {
    const message: SlackSandboxMessage = {
      type: 'message',
      ts: this.ts(),
      text,
      user,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    this.require(channel).messages.push(message);
    return message;
  }

  channelByName(name: string): SlackSandboxChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** Calls of one method. */
  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer, url: URL): Promise<void> {
    const response = /^\/slack\/responses\/(\d+)$/.exec(url.pathname);
    if (response && req.method === 'POST') {
      this.responses.push({ id: Number(response[1]), body: safeJson(raw.toString('utf8')) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = /^\/slack\/api\/([a-zA-Z.]+)$/.exec(url.pathname)?.[1];
    if (!method) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const args = parseArgs(raw, String(req.headers['content-type'] ?? ''), url.searchParams);
    let answer: Answer;
    const auth = String(req.headers.authorization ?? '');
    try {
      if (!/^Bearer xox[a-z]-/.test(auth) && !str(args['token']).startsWith('xox'))
        throw new SlackApiError('not_authed');
      const failure = this.failures.findIndex((f) => f.method === method);
      if (failure >= 0) throw new SlackApiError(this.failures.splice(failure, 1)[0]?.error ?? 'fatal_error');
      answer = { ok: true, ...this.call(method, args) };
      this.calls.push({ method, args });
    } catch (error) {
      const code = error instanceof SlackApiError ? error.code : 'internal_error';
      answer = { ok: false, error: code };
      this.calls.push({ method, args, error: code });
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
  }

  private ts(): string {
    const seconds = Math.floor(Date.now() / 1000);
    this.nextTs++;
    return `${seconds}.${String(this.nextTs).padStart(6, '0')}`;
  }

  private require(id: string): SlackSandboxChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new SlackApiError('channel_not_found');
    return channel;
  }

  private member(id: string): SlackSandboxChannel {
    const channel = this.require(id);
    if (channel.is_archived) throw new SlackApiError('is_archived');
    if (!channel.members.includes(SANDBOX_BOT_USER)) throw new SlackApiError('not_in_channel');
    return channel;
  }

  private channelObject(channel: SlackSandboxChannel): Answer {
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.is_private,
      is_group: channel.is_private,
      is_private: channel.is_private,
      is_archived: channel.is_archived,
      is_member: channel.members.includes(SANDBOX_BOT_USER),
      created: channel.created,
      topic: { value: channel.topic, creator: '', last_set: 0 },
      num_members: channel.members.length,
    };
  }

  private call(method: string, args: Args): Answer {
    switch (method) {
      case 'auth.test':
        return { user_id: SANDBOX_BOT_USER, user: 'firebreak', team: 'Sandbox', team_id: 'T0SANDBOX' };
      case 'conversations.create': {
        const name = str(args['name']);
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) throw new SlackApiError('invalid_name_specials');
        if (this.channelByName(name)) throw new SlackApiError('name_taken');
        const channel = this.addChannel(name, { isPrivate: truthy(args['is_private']), members: [SANDBOX_BOT_USER] });
        return { channel: this.channelObject(channel) };
      }
      case 'conversations.info':
        return { channel: this.channelObject(this.require(str(args['channel']))) };
      case 'conversations.invite': {
        const channel = this.member(str(args['channel']));
        const users = str(args['users']).split(',').filter(Boolean);
        if (users.length === 0) throw new SlackApiError('no_user');
        for (const user of users) {
          if (!this.users.has(user)) throw new SlackApiError('user_not_found');
          if (user === SANDBOX_BOT_USER) throw new SlackApiError('cant_invite_self');
        }
        if (users.every((u) => channel.members.includes(u))) throw new SlackApiError('already_in_channel');
        for (const user of users) if (!channel.members.includes(user)) channel.members.push(user);
        return { channel: this.channelObject(channel) };
      }
      case 'conversations.setTopic': {
        const channel = this.member(str(args['channel']));
        channel.topic = str(args['topic']);
        return { channel: this.channelObject(channel) };
      }
      case 'conversations.history': {
        const channel = this.member(str(args['channel']));
        const withMetadata = truthy(args['include_all_metadata']);
        const latest = args['latest'] !== undefined ? Number(str(args['latest'])) : Infinity;
        const inclusive = truthy(args['inclusive']);
        const limit = Math.min(Number(str(args['limit']) || 100), 999);
        const messages = channel.messages
          .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
          .filter((m) => (inclusive ? Number(m.ts) <= latest : Number(m.ts) < latest))
          .reverse();
        return {
          messages: messages.slice(0, limit).map((m) => this.shown(m, withMetadata)),
          has_more: messages.length > limit,
        };
      }
      case 'conversations.replies': {
        const channel = this.member(str(args['channel']));
        const ts = str(args['ts']);
        const parent = channel.messages.find((m) => m.ts === ts);
        if (!parent) throw new SlackApiError('thread_not_found');
        const root = parent.thread_ts ?? parent.ts;
        const thread = channel.messages.filter((m) => m.ts === root || m.thread_ts === root);
        return { messages: thread.map((m) => this.shown(m, truthy(args['include_all_metadata']))), has_more: false };
      }
      case 'chat.postMessage': {
        let target = str(args['channel']);
        // A user id posts to the app's direct message with that person.
        if (this.users.has(target)) target = this.direct(target).id;
        const channel = this.member(target);
        const text = str(args['text']);
        if (!text && !args['blocks']) throw new SlackApiError('no_text');
        const metadata = args['metadata'] as SlackSandboxMessage['metadata'] | undefined;
        const message: SlackSandboxMessage = {
          type: 'message',
          ts: this.ts(),
          text,
          bot_id: 'BFIREBREAK',
          ...(metadata && typeof metadata === 'object' ? { metadata } : {}),
        };
        channel.messages.push(message);
        return { channel: channel.id, ts: message.ts, message: this.shown(message, true) };
      }
      case 'chat.postEphemeral': {
        const channel = this.member(str(args['channel']));
        const user = str(args['user']);
        if (!channel.members.includes(user)) throw new SlackApiError('user_not_in_channel');
        this.ephemerals.push({ channel: channel.id, user, text: str(args['text']) });
        return { message_ts: this.ts() };
      }
      case 'bookmarks.add': {
        const channel = this.member(str(args['channel_id']));
        if (str(args['type']) !== 'link' || !str(args['link'])) throw new SlackApiError('invalid_link');
        const bookmark = {
          id: `Bk${channel.bookmarks.length + 1}`,
          title: str(args['title']),
          link: str(args['link']),
        };
        channel.bookmarks.push(bookmark);
        return { bookmark: { ...bookmark, channel_id: channel.id, type: 'link' } };
      }
      case 'pins.add': {
        const channel = this.member(str(args['channel']));
        channel.pins.push(str(args['timestamp']));
        return {};
      }
      case 'views.open': {
        const view = args['view'];
        if (!str(args['trigger_id'])) throw new SlackApiError('invalid_trigger_id');
        if (!view || typeof view !== 'object') throw new SlackApiError('invalid_arguments');
        this.views.push(view as Record<string, unknown>);
        return { view: { id: `V${this.views.length}`, ...(view as object) } };
      }
      case 'users.info': {
        const user = this.users.get(str(args['user']));
        if (!user) throw new SlackApiError('user_not_found');
        return {
          user: {
            id: user.id,
            name: user.name,
            real_name: user.real_name ?? user.name,
            profile: { display_name: user.name, real_name: user.real_name ?? user.name },
          },
        };
      }
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  private direct(user: string): SlackSandboxChannel {
    const name = `dm-${user.toLowerCase()}`;
    return this.channelByName(name) ?? this.addChannel(name, { isPrivate: true, members: [SANDBOX_BOT_USER, user] });
  }

  private shown(message: SlackSandboxMessage, withMetadata: boolean): Answer {
    const { metadata, ...rest } = message;
    return withMetadata && metadata ? { ...rest, metadata } : rest;
  }
}
