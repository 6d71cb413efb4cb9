// What the incident channel reads: timeline entries, the channel's name and topic, help, in Slack's mrkdwn (which
// Teams' markdown mostly shares). Pure; text people typed is escaped and can never page the channel.
import type { FirebreakConfig } from '../domain/config';
import { type Incident, type TimelineEntry } from '../domain/incident';
import { KIND_LABELS, summarizeEntry, viaText } from '../domain/render';
import { defuseBroadcasts } from './webhook';

export function escapeChat(text: string): string {
  return defuseBroadcasts(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

export function chatLink(url: string, text: string): string {
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeChat(text).replace(/\|/g, '¦')}>`;
}

/** `inc-<number>-<slug of the title>`: lowercase letters, digits and hyphens, at most 80 characters. */
export function channelName(incident: Pick<Incident, 'number' | 'title'>, attempt = 1): string {
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const prefix = `inc-${incident.number}-`;
  const slug = incident.title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = 80 - prefix.length - suffix.length;
  const cut = slug.slice(0, room).replace(/-+$/, '');
  return `${prefix}${cut || 'incident'}${suffix}`.slice(0, 80);
}

/** The incident number in a channel name made by channelName. */
export function incidentNumberOf(name: string): number | undefined {
  const match = /^inc-(\d{1,9})(?:-|$)/.exec(name);
  return match?.[1] ? Number(match[1]) : undefined;
}

/** The topic: severity, status and lead, and where the record is. */
export function channelTopic(incident: Incident): string {
  return `#${incident.number} · ${incident.severity} · ${incident.status} · lead @${incident.roles['lead'] ?? '?'}`;
}

/** The channel's first message: what was declared and where the record lives. */
export function declaredText(incident: Incident): string {
  return (
    `:fire: *Incident declared:* ${chatLink(incident.url, `#${incident.number} ${incident.title}`)}\n` +
    `\`${escapeChat(incident.severity)}\` · ${incident.status} · lead @${escapeChat(incident.roles['lead'] ?? '?')}` +
    '\nThe GitHub issue is the record. `/incident log <text>` adds to its timeline; `/incident help` lists more.'
  );
}

/** One timeline entry as a channel message. Destructive actions and the resolve stand out. */
export function entryText(entry: TimelineEntry, incident: Pick<Incident, 'number' | 'url'>): string {
  const { label, icon } = KIND_LABELS[entry.kind];
  const who = viaText(entry) ?? `@${entry.by}`;
  const destructive = 'destructive' in entry && entry.destructive === true;
  const resolved = entry.kind === 'update' && entry.status === 'resolved';
  const head = destructive
    ? `:rotating_light: *DESTRUCTIVE ${label.toLowerCase()}*`
    : resolved
      ? ':white_check_mark: *Resolved*'
      : `${icon} *${label}*`;
  const link = entry.url ? ` (${chatLink(entry.url, 'timeline')})` : '';
  const text = `${head} · ${escapeChat(who)}: ${escapeChat(summarizeEntry(entry))}${link}`;
  if (!resolved) return text;
  const retro = chatLink(incident.url, `#${incident.number}`);
  return `${text}\nRetro: write it on ${retro} (\`firebreak retro ${incident.number}\`).`;
}

export function overdueText(incident: Incident, due: Date): string {
  return (
    `:alarm_clock: *Update overdue* on ${chatLink(incident.url, `#${incident.number}`)} since ` +
    `${due.toISOString().slice(11, 16)} UTC: \`/incident update\` tells everyone where things stand.`
  );
}

export function helpText(config: FirebreakConfig, command: string, reaction: string | undefined): string {
  const severities = config.severities.map((s) => s.name).join('|');
  return [
    `*${command}* — Firebreak in Slack; the GitHub issue stays the record.`,
    `• \`${command}\` or \`${command} declare [title]\`: declare an incident (a form)`,
    'In an incident channel:',
    `• \`${command} log [action|observation|decision|question|theory] <text>\`: add to the timeline`,
    `• \`${command} update [text]\`: post a status update (a form: status, text, publish?)`,
    `• \`${command} severity <${severities}>\``,
    `• \`${command} lead @someone\` · \`${command} comms @someone\`: assign a role`,
    `• \`${command} resolve [text]\` · \`${command} break [minutes]\``,
    ...(reaction ? [`React with :${reaction}: to a message to put it on the timeline.`] : []),
  ].join('\n');
}

export function notLinkedText(user: string, repo: string, source: string): string {
  return (
    `You are not linked to a GitHub login with write access to ${repo}, so Firebreak does not change incidents ` +
    `for you from Slack. Ask a maintainer to add \`${user}: <your-github-login>\` under \`slack: users:\` in ` +
    `${source} (and give that login write access).`
  );
}
