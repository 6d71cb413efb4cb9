// The status digest: active incidents with their update cadence, reminders on overdue ones (at most one per overdue
// period), metrics over resolved incidents (drills excluded), and an optional issue whose body is kept as the digest.
// It also repairs views that lag their timeline (a change whose view write failed after its comment landed): an
// issue with more comments than its body's marker folds (`through`) has its comments after those read, one request,
// and is rewritten from the timeline when one of them changes the state.
import { cadenceMinutes, nextUpdateDue } from '../domain/cadence';
import { formatDuration, type FirebreakConfig } from '../domain/config';
import { GitHubError, InputError } from '../domain/errors';
import { formatMarker, readIncidentMarker } from '../domain/event-log';
import { isActive, repoSlug, type Incident } from '../domain/incident';
import type { IssueRecord } from '../github/issue-gateway';
import { incidentFromIssue } from '../domain/issue-view';
import { userLine } from '../domain/markdown';
import { durationBetween } from '../domain/render';
import type { UseCaseDeps } from './use-case';
import { recentIncidentIssues } from './list-incidents';
import { summarizeIncident, type IncidentSummary } from './freeze-report';
import { stateEntries, ViewSync } from './view-sync';
import { PeopleReminders, type PeopleReminder, type RetroDueRow } from './people-reminders';
import type { Trust } from '../domain/trust';
import type { Authority } from '../authority';
import { authorityFor, keyedByWriter, trustForComments, trustForIssues } from './writers';

export type StatusDeps = UseCaseDeps;

export interface StatusOptions {
  /** Post a reminder on incidents whose update is overdue. */
  readonly remind?: boolean;
  /** Keep this issue's body as the live digest. */
  readonly summaryIssue?: number;
  /** Metrics cover incidents resolved in this many days (default 90). */
  readonly metricsDays?: number;
  /** An incident just opened from the issue form: note the active incidents it may duplicate in a comment. */
  readonly similarFor?: number;
}

export interface ActiveIncident extends IncidentSummary {
  readonly lastUpdateAt?: string;
  readonly nextUpdateDue?: string;
  readonly overdue: boolean;
}

export interface SeverityMetrics {
  readonly severity: string;
  readonly count: number;
  /** Median minutes from declared to mitigated; undefined when none is known. */
  readonly medianMinutesToMitigate?: number;
  readonly medianMinutesToResolve?: number;
  /** MTTA: mean minutes from declared to acknowledged (someone took charge: an update, status, severity or role). */
  readonly meanMinutesToAcknowledge?: number;
  /** MTTR: mean minutes from declared to resolved. */
  readonly meanMinutesToResolve?: number;
}

/** Incidents declared per week (weeks start on Monday, UTC), by severity; drills and mistakes excluded. */
export interface WeeklyIncidents {
  /** The Monday of each week, YYYY-MM-DD, oldest first. */
  readonly weeks: readonly string[];
  /** Severity (most severe first) -> a count per week. */
  readonly bySeverity: readonly { readonly severity: string; readonly counts: readonly number[] }[];
}

export interface Reminder {
  readonly number: number;
  readonly key: string;
  readonly url: string;
  /** False when an earlier run had already reminded for this overdue period. */
  readonly posted: boolean;
}

export interface StatusResult {
  readonly active: readonly ActiveIncident[];
  readonly metrics: {
    readonly days: number;
    readonly resolved: number;
    readonly rows: readonly SeverityMetrics[];
    readonly weekly: WeeklyIncidents;
  };
  readonly markdown: string;
  readonly reminders: readonly Reminder[];
  readonly summaryIssue?: { readonly number: number; readonly url: string; readonly updated: boolean };
  readonly generatedAt: string;
  readonly warnings: readonly string[];
  /** Incidents whose labels and body lagged their timeline and were rewritten from it. */
  readonly repaired: readonly number[];
  /** People reminders (comms nudges, retros due and overdue, similar incidents): see people-reminders.ts. */
  readonly people: PeopleSection;
}

export interface PeopleSection {
  readonly reminders: readonly PeopleReminder[];
  /** Retros of recently resolved incidents not yet posted (or skipped), soonest due first. */
  readonly retrosDue: readonly RetroDueRow[];
}

const DIGEST_KEY = 'firebreak-status-digest';

function sameState(a: IssueRecord, b: IssueRecord): boolean {
  return JSON.stringify(readIncidentMarker(a.body)?.state) === JSON.stringify(readIncidentMarker(b.body)?.state);
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}

const WEEK_MS = 7 * 86_400_000;

/** The Monday 00:00 UTC of the week `ms` falls in. */
function weekStart(ms: number): number {
  const day = new Date(ms);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return midnight - ((day.getUTCDay() + 6) % 7) * 86_400_000;
}

function minutesBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const minutes = Math.round((Date.parse(to) - Date.parse(from)) / 60_000);
  return Number.isFinite(minutes) && minutes >= 0 ? minutes : undefined;
}

/** The overdue period `now` falls in: one period is one cadence long, from the due time. */
function overduePeriod(
  incident: Pick<Incident, 'severity'>,
  due: Date,
  now: Date,
  config: FirebreakConfig,
): { index: number; start: Date } {
  const length = cadenceMinutes(incident, config) * 60_000;
  const index = Math.max(0, Math.floor((now.getTime() - due.getTime()) / length));
  return { index, start: new Date(due.getTime() + index * length) };
}

/** The key of the reminder for the overdue period `now` falls in. */
export function reminderKey(
  incident: Pick<Incident, 'number' | 'severity'>,
  due: Date,
  now: Date,
  config: FirebreakConfig,
): string {
  return `reminder-${incident.number}-${due.toISOString().slice(0, 16)}-${overduePeriod(incident, due, now, config).index}`;
}

/** Clock difference between the runner and GitHub that the reminder lookup tolerates. */
const CLOCK_SLACK_MS = 60_000;

export class Status {
  private readonly now: () => Date;
  private readonly authority: Authority;

  constructor(private readonly deps: StatusDeps) {
    this.now = deps.now ?? (() => new Date());
    this.authority = authorityFor(deps);
  }

  async run(options: StatusOptions = {}): Promise<StatusResult> {
    const { gateway, config } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    const days = options.metricsDays ?? 90;
    // Summary issue first: a wrong number should fail before anything is posted.
    const digestIssue = options.summaryIssue !== undefined ? await this.digestIssue(options.summaryIssue) : undefined;
    const { open: listed, closed, since: windowStart } = await recentIncidentIssues(gateway, config, now, days);
    const warnings: string[] = [];
    const repaired: number[] = [];
    const open: IssueRecord[] = [];
    for (const issue of listed) open.push(await this.repairIfBehind(issue, repaired, warnings));
    const trust = await trustForIssues(this.authority, gateway.repo, [...open, ...closed]);
    const incidents = open
      .map((issue) => incidentFromIssue({ repo: gateway.repo, issue, config }, trust))
      // Private incidents never appear in a digest that may be public.
      .filter((i) => isActive(i) && !i.private)
      .sort((a, b) => Date.parse(b.timestamps.declared) - Date.parse(a.timestamps.declared));
    const active = incidents.map((incident) => this.activeRow(incident, now));
    const metrics = this.metrics(closed, open, windowStart, days, now, trust);

    const reminders: Reminder[] = [];
    if (options.remind) {
      for (const incident of incidents) {
        const reminder = await this.remind(incident, now, warnings);
        if (reminder) reminders.push(reminder);
      }
    }

    const people = await this.peopleSection(incidents, closed, now, options, warnings);
    const markdown = this.render(active, metrics, now, people);
    let summaryIssue: StatusResult['summaryIssue'];
    if (digestIssue) {
      const body = `${formatMarker('digest', { key: DIGEST_KEY })}\n${markdown}`;
      const updated = digestIssue.body !== body;
      if (updated) await gateway.updateIssue(digestIssue.number, { body });
      summaryIssue = { number: digestIssue.number, url: digestIssue.url, updated };
    }
    return {
      active,
      metrics,
      markdown,
      reminders,
      ...(summaryIssue ? { summaryIssue } : {}),
      generatedAt: now.toISOString(),
      warnings,
      repaired,
      people,
    };
  }

  // ---- people: comms nudges, retros due, similar incidents (people-reminders.ts) ----------------------------------

  private async peopleSection(
    incidents: readonly Incident[],
    closed: readonly IssueRecord[],
    now: Date,
    options: StatusOptions,
    warnings: string[],
  ): Promise<PeopleSection> {
    const people = new PeopleReminders({ ...this.deps, authority: this.authority });
    const reminders: PeopleReminder[] = [];
    if (options.remind) reminders.push(...(await people.commsNudges(incidents, now, warnings)));
    const retros = await people.retros(closed, now, warnings, options.remind === true);
    reminders.push(...retros.reminders);
    if (options.similarFor !== undefined) {
      const note = await people.noteSimilar(options.similarFor, incidents, warnings);
      if (note) reminders.push(note);
    }
    return { reminders, retrosDue: retros.rows };
  }

  /**
   * The issue as it should be listed: rewritten from its timeline when comments after what its body folds change the
   * state. Bodies without a `through` (written before it was recorded) are left alone: telling would take a read
   * of every comment of every active incident on every run.
   */
  private async repairIfBehind(issue: IssueRecord, repaired: number[], warnings: string[]): Promise<IssueRecord> {
    const through = readIncidentMarker(issue.body)?.through;
    if (through === undefined || issue.comments === through) return issue;
    const { gateway, config, renderer } = this.deps;
    try {
      // Fewer comments than the body says it folds: a view written with a change whose comment never landed.
      if (issue.comments > through) {
        const tail = await gateway.listComments(issue.number, { skip: through });
        if (stateEntries(tail, await trustForComments(this.authority, gateway.repo, tail)).length === 0) return issue;
      }
      const sync = new ViewSync({ gateway, config, renderer, authority: this.authority });
      const converged = await sync.converge(issue.number, { tighten: true });
      // A body that showed the fold and only said it folds fewer comments is not reported, only brought up to date.
      if (converged.changed.length > 0 && !sameState(issue, converged.issue)) repaired.push(issue.number);
      return converged.issue;
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      warnings.push(`Could not repair #${issue.number}: ${error.message}`);
      return issue;
    }
  }

  private async digestIssue(issueNumber: number): Promise<IssueRecord> {
    const issue = await this.deps.gateway.getIssue(issueNumber);
    if (issue.labels.includes(this.deps.config.labels.incident)) {
      throw new InputError(
        `${repoSlug(this.deps.gateway.repo)}#${issueNumber} is an incident; its body is the incident's summary.`,
        'Set summary-issue to a separate issue (e.g. a pinned "Incident status" issue) whose body Firebreak may replace.',
      );
    }
    return issue;
  }

  private activeRow(incident: Incident, now: Date): ActiveIncident {
    const due = nextUpdateDue(incident, this.deps.config);
    return {
      ...summarizeIncident(incident, now),
      ...(incident.lastUpdate ? { lastUpdateAt: incident.lastUpdate.at } : {}),
      ...(due ? { nextUpdateDue: due.toISOString() } : {}),
      overdue: due !== undefined && due.getTime() < now.getTime(),
    };
  }

  private metrics(
    closed: readonly IssueRecord[],
    open: readonly IssueRecord[],
    windowStart: string,
    days: number,
    now: Date,
    trust: Trust,
  ): StatusResult['metrics'] {
    const bySeverity = new Map<
      string,
      { mitigate: number[]; resolve: number[]; acknowledge: number[]; count: number }
    >();
    let resolved = 0;
    for (const issue of closed) {
      // Closed as not planned or duplicate: declared by mistake, not an incident that happened.
      if (issue.stateReason === 'not_planned' || issue.stateReason === 'duplicate') continue;
      const incident = incidentFromIssue({ repo: this.deps.gateway.repo, issue, config: this.deps.config }, trust);
      if (incident.drill) continue;
      const resolvedAt = incident.timestamps.resolved ?? issue.closedAt;
      if (!resolvedAt || resolvedAt < windowStart) continue;
      const row = bySeverity.get(incident.severity) ?? { mitigate: [], resolve: [], acknowledge: [], count: 0 };
      row.count++;
      const toMitigate = minutesBetween(incident.timestamps.declared, incident.timestamps.mitigated ?? resolvedAt);
      const toResolve = minutesBetween(incident.timestamps.declared, resolvedAt);
      const toAcknowledge = minutesBetween(
        incident.timestamps.declared,
        incident.timestamps.acknowledged ?? resolvedAt,
      );
      if (toMitigate !== undefined) row.mitigate.push(toMitigate);
      if (toResolve !== undefined) row.resolve.push(toResolve);
      if (toAcknowledge !== undefined) row.acknowledge.push(toAcknowledge);
      bySeverity.set(incident.severity, row);
      resolved++;
    }
    const order = this.deps.config.severities.map((s) => s.name);
    const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
    const rows = [...bySeverity.entries()]
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([severity, r]) => {
        const m = median(r.mitigate);
        const t = median(r.resolve);
        const mtta = mean(r.acknowledge);
        const mttr = mean(r.resolve);
        return {
          severity,
          count: r.count,
          ...(m !== undefined ? { medianMinutesToMitigate: m } : {}),
          ...(t !== undefined ? { medianMinutesToResolve: t } : {}),
          ...(mtta !== undefined ? { meanMinutesToAcknowledge: mtta } : {}),
          ...(mttr !== undefined ? { meanMinutesToResolve: mttr } : {}),
        };
      });
    return { days, resolved, rows, weekly: this.weekly([...closed, ...open], windowStart, now, trust) };
  }

  /** Incidents declared per week in the window, by severity: drills, mistakes and private incidents left out. */
  private weekly(issues: readonly IssueRecord[], windowStart: string, now: Date, trust: Trust): WeeklyIncidents {
    const first = weekStart(Date.parse(windowStart));
    const count = Math.floor((weekStart(now.getTime()) - first) / WEEK_MS) + 1;
    const weeks = Array.from({ length: count }, (_, i) => new Date(first + i * WEEK_MS).toISOString().slice(0, 10));
    const counts = new Map<string, number[]>();
    for (const issue of issues) {
      if (issue.stateReason === 'not_planned' || issue.stateReason === 'duplicate') continue;
      const incident = incidentFromIssue({ repo: this.deps.gateway.repo, issue, config: this.deps.config }, trust);
      if (incident.drill || incident.private) continue;
      const declared = Date.parse(incident.timestamps.declared);
      if (!(declared >= Date.parse(windowStart)) || declared > now.getTime()) continue;
      const index = Math.floor((weekStart(declared) - first) / WEEK_MS);
      const row = counts.get(incident.severity) ?? new Array<number>(count).fill(0);
      row[index] = (row[index] ?? 0) + 1;
      counts.set(incident.severity, row);
    }
    const order = this.deps.config.severities.map((s) => s.name);
    const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
    return {
      weeks,
      bySeverity: [...counts.entries()]
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([severity, c]) => ({ severity, counts: c })),
    };
  }

  /**
   * One reminder per overdue period: the period's key is in a marker, looked for among comments since the due time
   * when the issue changed during the period. One request (the comment) for a new reminder on a quiet incident.
   */
  private async remind(incident: Incident, now: Date, warnings: string[]): Promise<Reminder | undefined> {
    const { gateway, config, renderer } = this.deps;
    // A request is nobody's incident yet: a reminder would page its author, or whoever they named.
    if (incident.request) return undefined;
    const due = nextUpdateDue(incident, config);
    if (!due || due.getTime() >= now.getTime()) return undefined;
    const key = reminderKey(incident, due, now, config);
    try {
      // This period's reminder would be a comment made after the period began, and a comment moves the issue's
      // updated_at: an issue untouched since then has none, and the lookup (a request) can be skipped.
      const touched =
        Date.parse(incident.updatedAt) >= overduePeriod(incident, due, now, config).start.getTime() - CLOCK_SLACK_MS;
      const comments = touched ? await gateway.listComments(incident.number, { since: due.toISOString() }) : [];
      const earlier = await keyedByWriter(this.authority, gateway.repo, comments, key);
      if (earlier) return { number: incident.number, key, url: earlier.url, posted: false };
      const body = `${formatMarker('reminder', { key, due: due.toISOString() })}\n${renderer.render('reminder', {
        number: incident.number,
        title: userLine(incident.title, 200),
        severity: incident.severity,
        lastUpdateAt: incident.lastUpdate?.at,
        cadence: formatDuration(cadenceMinutes(incident, config)),
        dueAt: due.toISOString(),
        overdueBy: durationBetween(due.toISOString(), now.toISOString()),
        lead: incident.roles['lead'] ?? incident.declaredBy,
        comms: incident.roles['comms'],
      })}`;
      const comment = await gateway.createComment(incident.number, body, key);
      return { number: incident.number, key, url: comment.url, posted: true };
    } catch (error) {
      // One incident that cannot be commented on must not hide the digest for the others.
      if (!(error instanceof GitHubError)) throw error;
      warnings.push(`Could not remind #${incident.number}: ${error.message}`);
      return undefined;
    }
  }

  private render(
    active: readonly ActiveIncident[],
    metrics: StatusResult['metrics'],
    now: Date,
    people: PeopleSection,
  ): string {
    const duration = (minutes: number | undefined) =>
      minutes === undefined ? '_n/a_' : formatDuration(Math.max(1, minutes));
    return this.deps.renderer.render('summary', {
      active: active.map((a) => ({ ...a, title: userLine(a.title, 120) })),
      single: active.length === 1,
      metrics:
        metrics.rows.length > 0
          ? {
              window: `last ${metrics.days} days`,
              rows: metrics.rows.map((r) => ({
                severity: r.severity,
                count: r.count,
                timeToMitigate: duration(r.medianMinutesToMitigate),
                timeToResolve: duration(r.medianMinutesToResolve),
                mtta: duration(r.meanMinutesToAcknowledge),
                mttr: duration(r.meanMinutesToResolve),
              })),
            }
          : undefined,
      weeklyChart: weeklyChart(metrics.weekly),
      metricsWindow: `last ${metrics.days} days`,
      retrosDue: people.retrosDue.map((r) => ({ ...r, title: userLine(r.title, 120), overdue: r.stage === 'overdue' })),
      generatedAt: now.toISOString(),
    });
  }
}

/**
 * A Mermaid chart (GitHub renders it) of incidents declared per week, stacked by severity: xychart draws series over
 * each other, so each bar is the running total from the most severe down, drawn largest first.
 */
export function weeklyChart(weekly: WeeklyIncidents): { mermaid: string; legend: string } | undefined {
  if (weekly.bySeverity.length === 0) return undefined;
  const labels = weekly.weeks.map((w) => `"${w.slice(5)}"`);
  const stacks = weekly.bySeverity.map((_, i) =>
    weekly.weeks.map((_w, week) =>
      weekly.bySeverity.slice(0, i + 1).reduce((sum, s) => sum + (s.counts[week] ?? 0), 0),
    ),
  );
  const max = Math.max(1, ...(stacks[stacks.length - 1] ?? [0]));
  const lines = [
    'xychart-beta',
    '  title "Incidents declared per week, by severity"',
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "Incidents" 0 --> ${max}`,
    ...[...stacks].reverse().map((stack) => `  bar [${stack.join(', ')}]`),
  ];
  const legend = [...weekly.bySeverity]
    .reverse()
    .map((s) => `${s.severity} (${s.counts.reduce((a, b) => a + b, 0)})`)
    .join(', ');
  return { mermaid: lines.join('\n'), legend };
}
