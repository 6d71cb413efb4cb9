// How incidents and entries read in the tree, the status bar and pickers: short labels, ages, countdowns and
// icon names (codicons). No VS Code import: the views turn these into TreeItems and StatusBarItems.
import { cadenceMinutes, nextUpdateDue } from '../core/domain/cadence';
import type { FirebreakConfig } from '../core/domain/config';
import { isUnacknowledged, LEAD, TRIAGE, type Incident, type TimelineEntry } from '../core/domain/incident';
import type { QueuedWrite } from '../core/use-cases/offline-queue';
import { formatTime, KIND_LABELS, summarizeEntry } from '../core/domain/render';

/** Codicon per entry kind. */
export const KIND_ICONS: Readonly<Record<TimelineEntry['kind'], string>> = {
  action: 'tools',
  observation: 'eye',
  decision: 'check',
  question: 'question',
  theory: 'lightbulb',
  update: 'megaphone',
  role: 'person',
  handoff: 'arrow-swap',
  severity: 'flame',
  status: 'location',
  bypass: 'warning',
  hotfix: 'wrench',
  retro: 'notebook',
  break: 'coffee',
  channel: 'comment-discussion',
};

/** What each log kind is for, for the kind picker. */
export const LOG_KIND_HINTS: Readonly<Record<'action' | 'observation' | 'decision' | 'question' | 'theory', string>> = {
  action: 'Something you did or are doing (restart, rollback, config change)',
  observation: 'Something you saw (a graph, an error, a report)',
  decision: 'Something the team decided, and why',
  question: 'Something someone needs to find out',
  theory: 'A possible cause worth checking',
};

export interface IconSpec {
  readonly id: string;
  /** A theme color id, e.g. charts.red. */
  readonly color?: string;
}

/** The flame is red for the most severe level, then orange, yellow; blue while in triage; a beaker for drills. */
export function severityIcon(incident: Incident, config: FirebreakConfig): IconSpec {
  // Declared from an alert and nobody has taken it: the one thing to see first.
  if (isUnacknowledged(incident)) return { id: 'bell-dot', color: 'list.warningForeground' };
  if (incident.drill) return { id: 'beaker', color: 'charts.blue' };
  if (incident.severity === TRIAGE) return { id: 'flame', color: 'charts.blue' };
  const rank = config.severities.findIndex((s) => s.name === incident.severity);
  const colors = ['charts.red', 'charts.orange', 'charts.yellow'];
  return { id: 'flame', color: colors[rank] ?? 'charts.purple' };
}

export function entryIcon(entry: TimelineEntry): IconSpec {
  if ('destructive' in entry && entry.destructive) return { id: 'warning', color: 'charts.red' };
  return { id: KIND_ICONS[entry.kind] };
}

/** `45s`, `12m`, `1h 05m`, `2d 3h`. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(Math.abs(ms) / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function elapsed(incident: Pick<Incident, 'timestamps'>, now: Date): string {
  return formatAge(now.getTime() - Date.parse(incident.timestamps.declared));
}

/** Tree description of an incident: number, severity, age and lead. */
/** Unacknowledged incidents (from alerts, nobody on them yet) first; otherwise the order given. */
export function unacknowledgedFirst<T extends Incident>(incidents: readonly T[]): T[] {
  return [...incidents.filter(isUnacknowledged), ...incidents.filter((i) => !isUnacknowledged(i))];
}

export function incidentDescription(incident: Incident, now: Date): string {
  const unacknowledged = isUnacknowledged(incident);
  const lead = unacknowledged ? undefined : incident.roles[LEAD];
  return [
    unacknowledged ? 'unacknowledged' : undefined,
    `#${incident.number}`,
    incident.severity,
    incident.status === 'declared' ? undefined : incident.status,
    elapsed(incident, now),
    lead ? `@${lead}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function roleHolderText(login: string | undefined): string {
  return login ? `@${login}` : 'unassigned';
}

export interface UpdateCountdown {
  readonly due?: Date;
  readonly overdue: boolean;
  /** "update in 18m", "update overdue 5m". */
  readonly text: string;
}

export function updateCountdown(incident: Incident, config: FirebreakConfig, now: Date): UpdateCountdown {
  const due = nextUpdateDue(incident, config);
  if (!due) return { overdue: false, text: 'resolved' };
  const left = due.getTime() - now.getTime();
  return left < 0
    ? { due, overdue: true, text: `update overdue ${formatAge(-left)}` }
    : { due, overdue: false, text: `update in ${formatAge(left)}` };
}

export interface StatusBarView {
  readonly text: string;
  readonly tooltip: string;
  readonly overdue: boolean;
  readonly due?: Date;
}

/** The status bar while an incident is current: severity, elapsed time and the countdown to the next update. */
export function statusBarView(incident: Incident, config: FirebreakConfig, now: Date, pending = 0): StatusBarView {
  const countdown = updateCountdown(incident, config, now);
  const icon = countdown.overdue ? '$(warning)' : incident.drill ? '$(beaker)' : '$(flame)';
  const queued = pending > 0 ? ` · $(cloud-upload) ${pending}` : '';
  const text = `${icon} #${incident.number} ${incident.severity} · ${elapsed(incident, now)} · ${countdown.text}${queued}`;
  const cadence = cadenceMinutes(incident, config);
  const tooltip = [
    `**${incident.drill ? 'Drill' : 'Incident'} #${incident.number}: ${escapeMarkdown(incident.title)}**`,
    `Severity **${incident.severity}**, status **${incident.status}**, lead ${roleHolderText(incident.roles[LEAD])}`,
    `Declared ${formatTime(incident.timestamps.declared)} (${elapsed(incident, now)} ago)`,
    countdown.due
      ? `Next update due ${formatTime(countdown.due.toISOString())} (every ${formatAge(cadence * 60_000)} at ${incident.severity})`
      : undefined,
    pending > 0 ? `${pending} entr${pending === 1 ? 'y' : 'ies'} waiting to be delivered to GitHub` : undefined,
    'Click to post an update.',
  ]
    .filter((line) => line !== undefined)
    .join('\n\n');
  return { text, tooltip, overdue: countdown.overdue, ...(countdown.due ? { due: countdown.due } : {}) };
}

/** One line for an entry in the tree. */
export function entryLabel(entry: TimelineEntry): string {
  return oneLine(summarizeEntry(entry), 90);
}

export function entryDescription(entry: TimelineEntry): string {
  return `${KIND_LABELS[entry.kind].label} · @${entry.by} · ${formatTime(entry.at).slice(11)}`;
}

export function pendingLabel(item: QueuedWrite): string {
  return oneLine(item.write.text, 90);
}

export function pendingDescription(item: QueuedWrite): string {
  const what = item.write.type === 'update' ? 'update' : item.write.kind;
  return item.failed
    ? `${what} · not delivered: GitHub rejected it`
    : `${what} · waiting to be delivered · ${formatTime(item.at).slice(11)}`;
}

export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
