// The incident channel: a chat as a face of the same incident, both ways. Inbound, commands, forms and reactions
// become the incident use cases every face calls (declare, log, postUpdate, setSeverity, assignRole, resolve,
// callBreak); outbound, timeline entries are posted to the channel once (sync). Stateless: the channel of an incident
// is a `channel` timeline entry, the incident of a channel its name, and channel posts carry their entry's key.
import { Authority } from '../authority';
import { findSeverity, type FirebreakConfig } from '../domain/config';
import { describeError, FirebreakError } from '../domain/errors';
import { isUpdateOverdue, nextUpdateDue } from '../domain/cadence';
import { changesState } from '../domain/event-log';
import {
  isLogKind,
  isMilestone,
  repoSlug,
  type ChannelEntry,
  type EntryVia,
  type Incident,
  type LogKind,
  type RepoRef,
  type TimelineEntry,
} from '../domain/incident';
import type { IncidentContext } from '../use-cases/incident-context';
import { ChatError, type ChatPort } from './chat-port';
import { DECLARE_FORM, declareForm, UPDATE_FORM, updateForm } from './channel-forms';
import type { ChatRequest, FormValues } from './chat-requests';
import {
  channelName,
  channelTopic,
  declaredText,
  entryText,
  escapeChat,
  helpText,
  incidentNumberOf,
  notLinkedText,
  overdueText,
} from './channel-text';
import { AssignRole } from '../use-cases/assign-role';
import { CallBreak } from '../use-cases/call-break';
import { ChangeSeverity } from '../use-cases/change-severity';
import { DeclareIncident } from '../use-cases/declare-incident';
import { LogEntry } from '../use-cases/log-entry';
import { PostUpdate } from '../use-cases/post-update';
import { ResolveIncident } from '../use-cases/resolve-incident';
import { ShowIncident } from '../use-cases/show-incident';

/** The global shortcut's callback id ("Report an incident" in slack/manifest.yml). */
export const REPORT_SHORTCUT = 'firebreak_report';

/** GitHub's reaction names (the config's timeline-reaction) as Slack names the same emoji. */
const CHAT_REACTION: Readonly<Record<string, string>> = { hooray: 'tada', laugh: 'laughing' };

export interface IncidentChannelDeps {
  readonly chat: ChatPort;
  readonly config: FirebreakConfig;
  /** The incident repository (identity is checked against it). */
  readonly repo: RepoRef;
  /** The incident use cases, writing for `via` (the person in the chat) with the server's credentials. */
  readonly service: (via?: EntryVia) => IncidentContext;
  /** Who may write (GitHub's permission API); a fresh one per request, so nothing outlives it. */
  readonly authority: () => Authority;
  readonly now?: () => Date;
}

interface Where {
  readonly number: number;
  readonly channel: string;
}

interface FormContext {
  readonly channel?: string;
  readonly number?: number;
}

function parseContext(text: string): FormContext {
  try {
    const value = JSON.parse(text) as FormContext;
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** A Slack mention `<@U123>` or `<@U123|name>`, or a bare user id. */
function mentionedUser(text: string): string | undefined {
  return /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim())?.[1] ?? /^([UW][A-Z0-9]{2,})$/.exec(text.trim())?.[1];
}

/** Slack's ts (`1700000000.000100`) as ISO 8601. */
function tsTime(ts: string): string | undefined {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

export class IncidentChannel {
  private readonly now: () => Date;
  /** Promotions in flight in this process: a duplicate delivery waits for the first instead of racing it. */
  private readonly promoting = new Map<string, Promise<void>>();

  constructor(private readonly deps: IncidentChannelDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get reaction(): string | undefined {
    const reaction = this.deps.config.timelineReaction;
    return reaction ? (CHAT_REACTION[reaction] ?? reaction) : undefined;
  }

  /** Does what a verified request asks; called after the chat had its acknowledgement. Never throws. */
  async handle(request: ChatRequest): Promise<void> {
    try {
      switch (request.type) {
        case 'command':
          return await this.command(request);
        case 'shortcut':
          if (request.id === REPORT_SHORTCUT) await this.openDeclare(request.trigger, '', {});
          return;
        case 'submit':
          if (request.form === DECLARE_FORM) return await this.declare(request);
          if (request.form === UPDATE_FORM) return await this.update(request);
          return;
        case 'reaction':
          return await this.promote(request);
        default:
          return;
      }
    } catch (error) {
      // The person hears about it where they acted (see each path); this is what is left: a chat that failed.
      if (!(error instanceof ChatError)) throw error;
    }
  }

  // ---- identity ------------------------------------------------------------------------------------------------

  private loginOf(user: string): string | undefined {
    return this.deps.config.slack?.users[user];
  }

  /** The GitHub login of a chat user linked to someone with push access, else undefined. */
  private async writer(user: string, authority: Authority): Promise<string | undefined> {
    const login = this.loginOf(user);
    if (!login) return undefined;
    return (await authority.mayWrite(this.deps.repo, login)) ? login : undefined;
  }

  private via(user: string, login?: string, name?: string): EntryVia {
    return { chat: this.deps.chat.chat, user, ...(login ? { login } : {}), ...(name ? { name } : {}) };
  }

  private notLinked(user: string): string {
    return notLinkedText(user, repoSlug(this.deps.repo), this.deps.config.source);
  }

  // ---- where: the incident of a channel --------------------------------------------------------------------------

  private async incidentOf(channel: string, name?: string): Promise<Where | undefined> {
    const fromName = name ? incidentNumberOf(name) : undefined;
    if (fromName !== undefined) return { number: fromName, channel };
    const found = await this.deps.chat.channel(channel);
    const number = found ? incidentNumberOf(found.name) : undefined;
    return number === undefined ? undefined : { number, channel };
  }

  // ---- commands --------------------------------------------------------------------------------------------------

  private async command(request: Extract<ChatRequest, { type: 'command' }>): Promise<void> {
    const text = request.text.trim();
    const [verb = '', ...rest] = text.split(/\s+/);
    const argument = rest.join(' ').trim();
    const reply = (message: string, inChannel = false) =>
      this.deps.chat.respond(request.responseUrl, message, inChannel);
    const word = verb.toLowerCase();
    if (word === '' || word === 'declare') {
      // trigger_id lives 3 s: the form opens before anything slow.
      await this.openDeclare(request.trigger, argument, { channel: request.channel }).catch((error: unknown) =>
        reply(`:warning: Slack did not open the form (${describeError(error)}); run the command again.`),
      );
      return;
    }
    const known = ['log', 'update', 'severity', 'lead', 'comms', 'resolve', 'break'];
    if (!known.includes(word)) {
      await reply(helpText(this.deps.config, request.command || '/incident', this.reaction));
      return;
    }
    const where = await this.incidentOf(request.channel, request.channelName);
    if (!where) {
      await reply(
        `This is not an incident channel (they are named inc-<number>-…).\n\n` +
          helpText(this.deps.config, request.command || '/incident', this.reaction),
      );
      return;
    }
    if (word === 'update') {
      await this.openUpdate(request.trigger, argument, where);
      return;
    }
    const authority = this.deps.authority();
    const login = await this.writer(request.user, authority);
    if (!login) {
      await reply(this.notLinked(request.user));
      return;
    }
    const service = this.deps.service(this.via(request.user, login));
    try {
      const done = await this.run(service, word, argument, where, authority);
      await reply(done, true);
    } catch (error) {
      await reply(`:warning: Nothing changed on #${where.number}: ${escapeChat(describeError(error))}`);
    }
  }

  /** One in-channel command through the incident use cases; answers what the channel should read. */
  private async run(
    service: IncidentContext,
    word: string,
    argument: string,
    where: Where,
    authority: Authority,
  ): Promise<string> {
    const n = where.number;
    switch (word) {
      case 'log': {
        const [first = '', ...others] = argument.split(/\s+/);
        const kind: LogKind = isLogKind(first.toLowerCase()) ? (first.toLowerCase() as LogKind) : 'action';
        const text = kind === first.toLowerCase() ? others.join(' ') : argument;
        const entry = await new LogEntry(service).run(n, { kind, text });
        return entryText(entry, await this.incidentRef(n, service));
      }
      case 'severity': {
        if (!findSeverity(this.deps.config, argument))
          throw new ChatError(
            'unknown_severity',
            `Unknown severity "${argument}"; use one of ${this.deps.config.severities.map((s) => s.name).join(', ')}.`,
          );
        const incident = await new ChangeSeverity(service).run(n, argument);
        const topic = escapeChat(channelTopic(incident));
        return `:vertical_traffic_light: Severity of #${n} is now \`${incident.severity}\` (${topic})`;
      }
      case 'lead':
      case 'comms': {
        const user = mentionedUser(argument);
        const login = user ? this.loginOf(user) : undefined;
        if (!user || !login || !(await authority.mayWrite(this.deps.repo, login)))
          throw new ChatError(
            'not_linked',
            `${argument || 'Nobody'} is not a Slack user linked to a GitHub login with write access; ` +
              `name someone as @mention who is listed under slack: users: in ${this.deps.config.source}.`,
          );
        await new AssignRole(service).run(n, word, login);
        return `:bust_in_silhouette: @${escapeChat(login)} is now ${word} of #${n}.`;
      }
      case 'resolve': {
        const incident = await new ResolveIncident(service).run(n, argument || undefined);
        const entry = incident.timeline.at(-1);
        return entry ? entryText(entry, incident) : `:white_check_mark: #${n} is resolved.`;
      }
      case 'break': {
        const minutes = argument ? Number(argument) : undefined;
        if (minutes !== undefined && !Number.isInteger(minutes))
          throw new ChatError('not_minutes', `"${argument}" is not a number of minutes.`);
        const entry = await new CallBreak(service).run(n, minutes !== undefined ? { minutes } : {});
        return entryText(entry, await this.incidentRef(n, service));
      }
      default:
        return helpText(this.deps.config, '/incident', this.reaction);
    }
  }

  private async incidentRef(number: number, service: IncidentContext): Promise<Pick<Incident, 'number' | 'url'>> {
    return { number, url: `${service.gatewayFor(this.deps.repo).webUrl}/${repoSlug(this.deps.repo)}/issues/${number}` };
  }

  // ---- forms -----------------------------------------------------------------------------------------------------

  private async openDeclare(trigger: string, title: string, context: FormContext): Promise<void> {
    await this.deps.chat.openForm(trigger, declareForm(this.deps.config, title, JSON.stringify(context)));
  }

  private async openUpdate(trigger: string, text: string, where: Where): Promise<void> {
    const context = JSON.stringify({ channel: where.channel, number: where.number });
    await this.deps.chat.openForm(trigger, updateForm(where.number, text, context));
  }

  private async update(request: Extract<ChatRequest, { type: 'submit' }>): Promise<void> {
    const context = parseContext(request.context);
    if (!context.channel || !context.number) return;
    const { chat } = this.deps;
    const login = await this.writer(request.user, this.deps.authority());
    if (!login) {
      await chat.ephemeral(context.channel, request.user, this.notLinked(request.user));
      return;
    }
    const status = text(request.values, 'status');
    try {
      const service = this.deps.service(this.via(request.user, login));
      const incident = await new PostUpdate(service).run(context.number, {
        text: text(request.values, 'text'),
        ...(status && isMilestone(status) ? { status } : {}),
        ...(request.values['public'] === true ? { public: true } : {}),
        key: `${chat.chat}-update-${request.formId}`,
      });
      const entry = incident.timeline.at(-1);
      await chat.post(
        context.channel,
        entry ? entryText(entry, incident) : `:mega: Update posted on #${context.number}.`,
      );
      if (status) await chat.setTopic(context.channel, channelTopic(incident));
    } catch (error) {
      await chat.ephemeral(
        context.channel,
        request.user,
        `:warning: The update was not posted: ${escapeChat(describeError(error))}\n` +
          `Your text: ${escapeChat(text(request.values, 'text'))}`,
      );
    }
  }

  // ---- declare ---------------------------------------------------------------------------------------------------

  private async declare(request: Extract<ChatRequest, { type: 'submit' }>): Promise<void> {
    const { chat, config } = this.deps;
    const values = request.values;
    const login = await this.writer(request.user, this.deps.authority());
    const name = login ? undefined : await chat.userName(request.user);
    const via = this.via(request.user, login, name);
    const service = this.deps.service(via);
    const title = text(values, 'title');
    const serviceName = text(values, 'service');
    const description = text(values, 'description');
    const severity = text(values, 'severity');
    let incident: Incident;
    try {
      incident = await new DeclareIncident(service).run({
        title,
        // Someone not linked files a request, as an outsider's issue is one: at triage, until a writer takes it.
        ...(login ? { lead: login, ...(severity ? { severity } : {}) } : {}),
        description: [
          description,
          login
            ? `Declared in Slack by @${login}.`
            : `Reported in Slack by ${name ?? request.user} (not linked to GitHub).`,
        ]
          .filter(Boolean)
          .join('\n\n'),
        ...(serviceName && config.services.some((s) => s.name === serviceName) ? { services: [serviceName] } : {}),
        ...(values['private'] === true ? { private: true } : {}),
        key: `${chat.chat}-declare-${request.formId}`,
      });
    } catch (error) {
      // Nothing lost: the person gets what they typed back with the reason.
      await chat.post(
        request.user,
        `:warning: The incident was not declared: ${escapeChat(describeError(error))}\n` +
          `Your title: ${escapeChat(title)}`,
      );
      return;
    }
    try {
      await this.openChannel(incident, request.user, service, via);
    } catch (error) {
      // The incident stands; only its channel is missing: say so, with the way to the record.
      await chat.post(
        request.user,
        `:warning: Declared ${incident.url} (#${incident.number}), but its channel could not be set up: ` +
          `${escapeChat(describeError(error))}`,
      );
    }
  }

  /** The channel of a new incident: created, the declarer invited, the link posted and bookmarked, recorded. */
  private async openChannel(incident: Incident, user: string, service: IncidentContext, via: EntryVia): Promise<void> {
    const { chat } = this.deps;
    const channel = await this.createChannel(incident);
    const key = `${chat.chat}-channel-${channel.id}`;
    await chat.invite(channel.id, [user]);
    await chat.post(channel.id, declaredText(incident), key);
    await chat.bookmark(channel.id, `#${incident.number} on GitHub`, incident.url);
    const entry: ChannelEntry = {
      kind: 'channel',
      key,
      at: this.now().toISOString(),
      by: service.actor,
      via,
      chat: chat.chat,
      channel: channel.id,
      name: channel.name,
      url: chat.channelUrl(channel.id),
    };
    await service.append(incident, entry);
    if (!via.login) await chat.ephemeral(channel.id, user, this.notLinked(user));
  }

  /** `inc-<number>-<slug>`, with a suffix while the name is taken. */
  private async createChannel(incident: Incident) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.chat.createChannel(channelName(incident, attempt), incident.private);
      } catch (error) {
        if (!(error instanceof ChatError) || error.code !== 'name_taken' || attempt >= 20) throw error;
      }
    }
  }

  // ---- channel -> timeline ---------------------------------------------------------------------------------------

  private async promote(request: Extract<ChatRequest, { type: 'reaction' }>): Promise<void> {
    if (!this.reaction || request.reaction !== this.reaction) return;
    const id = `${request.channel}-${request.ts}`;
    const running = this.promoting.get(id);
    if (running) return running;
    const work = this.promoteOnce(request).finally(() => this.promoting.delete(id));
    this.promoting.set(id, work);
    return work;
  }

  private async promoteOnce(request: Extract<ChatRequest, { type: 'reaction' }>): Promise<void> {
    const { chat } = this.deps;
    const authority = this.deps.authority();
    const promoter = await this.writer(request.user, authority);
    if (!promoter) {
      await chat.ephemeral(request.channel, request.user, this.notLinked(request.user));
      return;
    }
    const where = await this.incidentOf(request.channel);
    if (!where) return;
    const message = await chat.message(request.channel, request.ts);
    // Firebreak's own posts are entries already.
    if (!message || message.key || !message.text.trim()) return;
    const key = `${chat.chat}-${request.channel}-${request.ts}`;
    const at = tsTime(request.ts);
    const base = this.deps.service();
    if (await base.gatewayFor(this.deps.repo).hasCommentWithKey(where.number, key, at)) return;
    const author = message.user ? this.loginOf(message.user) : undefined;
    const name = message.user && !author ? await chat.userName(message.user) : undefined;
    const service = this.deps.service(this.via(message.user ?? request.user, author, name));
    try {
      await new LogEntry(service).run(where.number, {
        kind: 'observation',
        text: `${message.text}\n\n(marked for the timeline in Slack by @${promoter})`,
        key,
        ...(at ? { at } : {}),
      });
    } catch (error) {
      await chat.ephemeral(
        request.channel,
        request.user,
        `:warning: The message did not reach #${where.number}'s timeline: ${escapeChat(describeError(error))} ` +
          'React again to retry.',
      );
    }
  }

  // ---- timeline -> channel ---------------------------------------------------------------------------------------

  /**
   * Posts what the incident's channel has not received: every entry after the channel was made that did not come
   * from the channel, and an overdue-update reminder. Converges from GitHub and the channel's history (one read),
   * so redeliveries and replicas post nothing twice. Answers how many messages were posted.
   */
  async sync(number: number): Promise<number> {
    const { chat, config } = this.deps;
    const service = this.deps.service();
    const incident = await new ShowIncident(service).run(number).catch((error: unknown) => {
      // Not an incident (any issue's change is delivered): nothing to post. GitHub failing is worth a redelivery.
      if (error instanceof FirebreakError && !['unavailable', 'rate-limited', 'auth'].includes(error.code))
        return undefined;
      throw error;
    });
    if (!incident) return 0;
    const channelEntry = incident.timeline
      .filter((e): e is ChannelEntry => e.kind === 'channel' && e.chat === chat.chat && !e.edited)
      .at(-1);
    if (!channelEntry) return 0;
    const after = incident.timeline.slice(incident.timeline.indexOf(channelEntry) + 1);
    const pending: { key: string; text: string; entry?: TimelineEntry }[] = after
      .filter((e) => e.kind !== 'channel' && e.via?.chat !== chat.chat)
      .map((e) => ({ key: e.key, text: entryText(e, incident), entry: e }));
    const now = this.now();
    const due = nextUpdateDue(incident, config);
    if (due && incident.status !== 'resolved' && isUpdateOverdue(incident, config, now))
      pending.push({ key: `overdue-${number}-${due.toISOString()}`, text: overdueText(incident, due) });
    if (pending.length === 0) {
      // The channel was just recorded: its topic shows where things stand.
      if (incident.timeline.at(-1) === channelEntry) await this.topic(channelEntry.channel, incident);
      return 0;
    }
    let posted: Set<string>;
    try {
      posted = await chat.recentKeys(channelEntry.channel);
    } catch (error) {
      // A deleted or archived channel: nothing to post to, and nothing to retry.
      if (error instanceof ChatError && ['channel_not_found', 'is_archived', 'not_in_channel'].includes(error.code))
        return 0;
      throw error;
    }
    let count = 0;
    let stateChanged = false;
    for (const item of pending) {
      if (posted.has(item.key)) continue;
      await chat.post(channelEntry.channel, item.text, item.key);
      count++;
      if (item.entry && changesState(item.entry)) stateChanged = true;
    }
    if (stateChanged) await this.topic(channelEntry.channel, incident);
    return count;
  }

  private async topic(channel: string, incident: Incident): Promise<void> {
    await this.deps.chat.setTopic(channel, channelTopic(incident)).catch(() => undefined);
  }
}

function text(values: FormValues, id: string): string {
  const value = values[id];
  return typeof value === 'string' ? value.trim() : '';
}
