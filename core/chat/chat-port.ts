// The chat port: what the incident channel use case (incident-channel.ts) needs of a chat. Slack is the first
// adapter (slack-chat.ts); a second chat (Microsoft Teams) is a new adapter and a new request parser.

export interface ChatChannel {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
}

export interface ChatMessage {
  readonly ts: string;
  /** The chat user who wrote it; absent for bots and system messages. */
  readonly user?: string;
  readonly text: string;
  /** The timeline entry key the message carries (posted by Firebreak). */
  readonly key?: string;
}

export interface FormOption {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
}

export interface FormField {
  readonly id: string;
  readonly label: string;
  readonly kind: 'text' | 'multiline' | 'select' | 'checkbox';
  readonly optional?: boolean;
  readonly options?: readonly FormOption[];
  readonly initial?: string;
}

/** A modal form: what it is for (`id`), its fields, and context handed back on submit. */
export interface ChatForm {
  readonly id: string;
  readonly title: string;
  readonly submit: string;
  readonly fields: readonly FormField[];
  readonly context: string;
}

/** The chat could not do what was asked (`code` is the chat's own error name, e.g. Slack's `name_taken`). */
export class ChatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

export interface ChatPort {
  /** The chat's name in entries (`slack`). */
  readonly chat: string;
  /** Opens a modal; must come within seconds of the person's action (Slack's trigger_id lives 3 s). */
  openForm(trigger: string, form: ChatForm): Promise<void>;
  /** Creates a channel; throws ChatError `name_taken` when the name is in use. */
  createChannel(name: string, isPrivate: boolean): Promise<ChatChannel>;
  /** A channel by id; undefined when it does not exist (any more) or the app cannot see it. */
  channel(id: string): Promise<ChatChannel | undefined>;
  /** A link that opens the channel. */
  channelUrl(id: string): string;
  invite(channel: string, users: readonly string[]): Promise<void>;
  /** Posts a message, marked with `key` so that any replica finds it again (recentKeys). Answers its ts. */
  post(channel: string, text: string, key?: string): Promise<string>;
  /** Keeps a link at hand in the channel (a bookmark). */
  bookmark(channel: string, title: string, url: string): Promise<void>;
  setTopic(channel: string, topic: string): Promise<void>;
  /** A message only `user` sees. */
  ephemeral(channel: string, user: string, text: string): Promise<void>;
  /** Answers a command through the URL the chat gave with it. */
  respond(responseUrl: string, text: string, inChannel?: boolean): Promise<void>;
  /** One message of a channel, a thread reply too. */
  message(channel: string, ts: string): Promise<ChatMessage | undefined>;
  /** The keys of the channel's recent messages that Firebreak posted: one read. */
  recentKeys(channel: string): Promise<Set<string>>;
  /** How people see the user (display name), for entries of people not linked to a GitHub login. */
  userName(user: string): Promise<string>;
}
