// The public status page as data: from incidents (with their timelines) and maintenance windows to the shapes of
// Atlassian Statuspage's v2 API, which the HTML pages and the feed are rendered from. Pure; nothing here reads
// GitHub. Only what was published reaches the model: public updates of public, non-drill incidents, the public
// title, the components the config marks public, and times. Never logins, internal entries or code references.
import { createHash } from 'node:crypto';
import { COMPONENT_IMPACTS, statusPageConfig, type ComponentImpact, type FirebreakConfig } from './config';
import { applyEntry, initialState, parseFormSections } from './event-log';
import type { Declaration, Incident, IncidentState, Milestone } from './incident';
import type { IssueRecord } from './records';

export type Indicator = 'none' | 'minor' | 'major' | 'critical';
export type ComponentStatus = 'operational' | ComponentImpact | 'under_maintenance';
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type MaintenanceStatus = 'scheduled' | 'in_progress' | 'completed';

/** How many days the history bars and the history page cover. */
export const HISTORY_DAYS = 90;

export interface PageInfo {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly time_zone: 'Etc/UTC';
  readonly updated_at: string;
}

export interface ApiComponent {
  readonly id: string;
  readonly name: string;
  readonly status: ComponentStatus;
  readonly created_at: string;
  readonly updated_at: string;
  readonly position: number;
  readonly description: string | null;
  readonly showcase: boolean;
  readonly start_date: string | null;
  readonly group_id: string | null;
  readonly page_id: string;
  readonly group: boolean;
  readonly only_show_if_degraded: boolean;
}

export interface ApiAffectedComponent {
  readonly code: string;
  readonly name: string;
  readonly old_status: ComponentStatus;
  readonly new_status: ComponentStatus;
}

export interface ApiIncidentUpdate {
  readonly id: string;
  readonly status: IncidentStatus | MaintenanceStatus;
  readonly body: string;
  readonly incident_id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly display_at: string;
  readonly affected_components: readonly ApiAffectedComponent[];
  readonly deliver_notifications: boolean;
  readonly custom_tweet: null;
  readonly tweet_id: null;
}

export interface ApiIncident {
  readonly id: string;
  readonly name: string;
  readonly status: IncidentStatus;
  readonly created_at: string;
  readonly updated_at: string;
  readonly monitoring_at: string | null;
  readonly resolved_at: string | null;
  readonly impact: Indicator;
  readonly shortlink: string;
  readonly started_at: string;
  readonly page_id: string;
  readonly incident_updates: readonly ApiIncidentUpdate[];
  readonly components: readonly ApiComponent[];
}

export interface ApiMaintenance extends Omit<ApiIncident, 'status' | 'impact'> {
  readonly status: MaintenanceStatus;
  readonly impact: 'maintenance';
  readonly scheduled_for: string;
  readonly scheduled_until: string;
}

export interface HistoryDay {
  /** YYYY-MM-DD (UTC). */
  readonly date: string;
  readonly status: ComponentStatus;
  /** Names of the public incidents that touched the component that day. */
  readonly incidents: readonly string[];
}

export interface ComponentHistory {
  readonly component: ApiComponent;
  readonly days: readonly HistoryDay[];
  /** Share of the window without a partial or major outage, in percent with two decimals. */
  readonly uptime: string;
}

export interface StatusPageModel {
  readonly page: PageInfo;
  readonly status: { readonly indicator: Indicator; readonly description: string };
  readonly components: readonly ApiComponent[];
  /** Every published incident in the window, newest first. */
  readonly incidents: readonly ApiIncident[];
  readonly scheduledMaintenances: readonly ApiMaintenance[];
  readonly history: readonly ComponentHistory[];
  readonly color: string;
  readonly logo?: string;
}

/** A maintenance window read from a `maintenance` issue. */
export interface Maintenance {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly start: string;
  readonly end: string;
  readonly services: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Closed before it ended: cancelled, or finished early (then it ended when it was closed). */
  readonly closedAt?: string;
}

export interface StatusPageInput {
  readonly config: FirebreakConfig;
  /** Incidents of the public repository; those with a public update need their timeline loaded. */
  readonly incidents: readonly Incident[];
  readonly maintenances: readonly Maintenance[];
  readonly now: Date;
  /** The page name (the Action's `title`, else the config's, else a default). */
  readonly title?: string;
  /** Where the site is served, for links in the feed and the API (`page.url`, `shortlink`). */
  readonly baseUrl?: string;
}

const IMPACT_RANK: Readonly<Record<ComponentStatus, number>> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

const INDICATOR_OF: Readonly<Record<ComponentImpact, Indicator>> = {
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

export const INDICATOR_TEXT: Readonly<Record<Indicator, string>> = {
  none: 'All systems operational',
  minor: 'Minor service disruption',
  major: 'Partial outage',
  critical: 'Major outage',
};

export const COMPONENT_STATUS_TEXT: Readonly<Record<ComponentStatus, string>> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

const INDICATOR_RANK: Readonly<Record<Indicator, number>> = { none: 0, minor: 1, major: 2, critical: 3 };

/** A stable, opaque id: the page never shows issue numbers or keys, and ids do not change between builds. */
export function publicId(...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...digest.subarray(0, 12)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function incidentStatusOf(milestone: Milestone): IncidentStatus {
  return milestone === 'declared' ? 'investigating' : milestone;
}

/** Whether an incident may appear on the page at all: published, public, not a drill, not a request. */
export function isPublished(incident: Incident): boolean {
  return incident.publishedAt !== undefined && !incident.private && !incident.drill && incident.request !== true;
}

/** The public title: the one given for customers, else the issue's title. */
export function publicTitle(incident: Pick<IncidentState, 'publicTitle' | 'title'>): string {
  return incident.publicTitle ?? incident.title;
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The page, its components, incidents, maintenance and 90-day history. */
export function buildStatusPage(input: StatusPageInput): StatusPageModel {
  const { config, now } = input;
  const settings = statusPageConfig(config);
  const nowIso = now.toISOString();
  const baseUrl = (input.baseUrl ?? '').replace(/\/+$/, '');
  const pageId = publicId('page', baseUrl || 'firebreak');
  const windowStart = now.getTime() - HISTORY_DAYS * 86_400_000;
  const page: PageInfo = {
    id: pageId,
    name: input.title ?? settings.title ?? 'Status',
    url: baseUrl,
    time_zone: 'Etc/UTC',
    updated_at: nowIso,
  };
  const publicServices = config.services.filter((s) => s.public === true);
  const serviceIds = new Map(publicServices.map((s) => [s.name, publicId('component', s.name)]));

  const published = input.incidents
    .filter(isPublished)
    .filter((i) => !i.timestamps.resolved || Date.parse(i.timestamps.resolved) >= windowStart)
    .sort((a, b) => Date.parse(b.timestamps.declared) - Date.parse(a.timestamps.declared));
  const impactOf = (incident: Incident): ComponentImpact => settings.impact[incident.severity] ?? COMPONENT_IMPACTS[0];
  const active = published.filter((i) => i.status !== 'resolved' && i.open);

  const maintenances = input.maintenances
    .map((m) => ({ m, status: maintenanceStatus(m, now) }))
    .filter((x): x is { m: Maintenance; status: MaintenanceStatus } => x.status !== undefined)
    .filter(({ m, status }) => status !== 'completed' || Date.parse(m.closedAt ?? m.end) >= windowStart);

  const componentStatus = new Map<string, ComponentStatus>();
  const raise = (service: string, status: ComponentStatus) => {
    const current = componentStatus.get(service) ?? 'operational';
    if (IMPACT_RANK[status] > IMPACT_RANK[current]) componentStatus.set(service, status);
  };
  for (const { m, status } of maintenances)
    if (status === 'in_progress') m.services.forEach((s) => raise(s, 'under_maintenance'));
  for (const incident of active) incident.services.forEach((s) => raise(s, impactOf(incident)));

  const component = (name: string, position: number, status: ComponentStatus): ApiComponent => {
    const service = publicServices.find((s) => s.name === name);
    return {
      id: serviceIds.get(name) ?? publicId('component', name),
      name: service?.displayName ?? name,
      status,
      created_at: nowIso,
      updated_at: nowIso,
      position,
      description: null,
      showcase: true,
      start_date: null,
      group_id: null,
      page_id: pageId,
      group: false,
      only_show_if_degraded: false,
    };
  };
  const components = publicServices.map((s, i) =>
    component(s.name, i + 1, componentStatus.get(s.name) ?? 'operational'),
  );
  const componentsOf = (services: readonly string[]) =>
    components.filter((c) => services.some((s) => serviceIds.get(s) === c.id));

  const link = (kind: string, id: string) => (baseUrl ? `${baseUrl}/${kind}/${id}.html` : `${kind}/${id}.html`);
  const incidents = published.map((incident): ApiIncident => {
    const id = publicId('incident', `${incident.repo.owner}/${incident.repo.name}`, String(incident.number));
    const affected = componentsOf(incident.services);
    const updates = publicUpdates(incident, id, affected, impactOf(incident));
    const status = incidentStatusOf(incident.open ? incident.status : 'resolved');
    const resolvedAt = status === 'resolved' ? (incident.timestamps.resolved ?? incident.updatedAt) : null;
    const last = updates[0]?.created_at ?? incident.publishedAt ?? nowIso;
    return {
      id,
      name: publicTitle(incident),
      status,
      created_at: incident.publishedAt ?? incident.timestamps.declared,
      updated_at: resolvedAt && resolvedAt > last ? resolvedAt : last,
      monitoring_at: incident.timestamps.mitigated ?? null,
      resolved_at: resolvedAt,
      impact: INDICATOR_OF[impactOf(incident)],
      shortlink: link('incidents', id),
      started_at: incident.timestamps.declared,
      page_id: pageId,
      incident_updates:
        status === 'resolved' && updates[0]?.status !== 'resolved'
          ? [resolvedNotice(id, resolvedAt ?? nowIso, affected), ...updates]
          : updates,
      components: affected,
    };
  });

  const scheduledMaintenances = maintenances
    .sort((a, b) => Date.parse(a.m.start) - Date.parse(b.m.start))
    .map(({ m, status }): ApiMaintenance => {
      const id = publicId('maintenance', m.key);
      const affected = componentsOf(m.services);
      const ended = m.closedAt && m.closedAt < m.end ? m.closedAt : m.end;
      return {
        id,
        name: m.title,
        status,
        created_at: m.createdAt,
        updated_at: m.updatedAt,
        monitoring_at: null,
        resolved_at: status === 'completed' ? ended : null,
        impact: 'maintenance',
        shortlink: link('incidents', id),
        started_at: m.start,
        page_id: pageId,
        incident_updates: [
          {
            id: publicId('maintenance-update', m.key),
            status,
            body: m.description,
            incident_id: id,
            created_at: m.createdAt,
            updated_at: m.updatedAt,
            display_at: m.createdAt,
            affected_components: affected.map((c) => ({
              code: c.id,
              name: c.name,
              old_status: 'operational',
              new_status: 'under_maintenance',
            })),
            deliver_notifications: true,
            custom_tweet: null,
            tweet_id: null,
          },
        ],
        components: affected,
        scheduled_for: m.start,
        scheduled_until: m.end,
      };
    });

  const indicator = active.reduce<Indicator>((worst, incident) => {
    const next = INDICATOR_OF[impactOf(incident)];
    return INDICATOR_RANK[next] > INDICATOR_RANK[worst] ? next : worst;
  }, 'none');
  const inMaintenance = scheduledMaintenances.some((m) => m.status === 'in_progress');
  const description =
    indicator === 'none' && inMaintenance ? 'Scheduled maintenance in progress' : INDICATOR_TEXT[indicator];

  const history = publicServices.map((service, i) => {
    const windows = published
      .filter((incident) => incident.services.includes(service.name))
      .map((incident) => ({
        name: publicTitle(incident),
        from: Date.parse(incident.timestamps.declared),
        to: Date.parse(incident.timestamps.resolved ?? nowIso),
        impact: impactOf(incident),
      }));
    return componentHistory(components[i] as ApiComponent, windows, now);
  });

  return {
    page,
    status: { indicator, description },
    components,
    incidents,
    scheduledMaintenances,
    history,
    color: settings.color,
    ...(settings.logo ? { logo: settings.logo } : {}),
  };
}

function componentHistory(
  component: ApiComponent,
  windows: readonly { name: string; from: number; to: number; impact: ComponentImpact }[],
  now: Date,
): ComponentHistory {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days: HistoryDay[] = [];
  for (let d = HISTORY_DAYS - 1; d >= 0; d--) {
    const start = today - d * 86_400_000;
    const end = start + 86_400_000;
    const touching = windows.filter((w) => w.from < end && w.to >= start);
    const status = touching.reduce<ComponentStatus>(
      (worst, w) => (IMPACT_RANK[w.impact] > IMPACT_RANK[worst] ? w.impact : worst),
      'operational',
    );
    days.push({ date: dayOf(start), status, incidents: [...new Set(touching.map((w) => w.name))] });
  }
  const windowStart = today - (HISTORY_DAYS - 1) * 86_400_000;
  const total = now.getTime() - windowStart;
  const outages = windows
    .filter((w) => w.impact !== 'degraded_performance')
    .map((w) => [Math.max(w.from, windowStart), Math.min(w.to, now.getTime())] as const)
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  let down = 0;
  let reach = windowStart;
  for (const [from, to] of outages) {
    const start = Math.max(from, reach);
    if (to > start) down += to - start;
    reach = Math.max(reach, to);
  }
  const uptime = total > 0 ? Math.max(0, (100 * (total - down)) / total) : 100;
  return { component, days, uptime: uptime.toFixed(2) };
}

/**
 * The public updates of an incident, newest first, each with the status the incident had once it was posted. The
 * timeline is folded again so that a status set by a non-public entry shows on the next public one.
 */
function publicUpdates(
  incident: Incident,
  incidentId: string,
  affected: readonly ApiComponent[],
  impact: ComponentImpact,
): ApiIncidentUpdate[] {
  let state = initialState(incident.declaration satisfies Declaration);
  const updates: ApiIncidentUpdate[] = [];
  for (const entry of incident.timeline) {
    state = applyEntry(state, entry);
    if (entry.kind !== 'update' || entry.public !== true || entry.edited) continue;
    const status = incidentStatusOf(state.status);
    updates.push({
      id: publicId('update', incidentId, String(entry.commentId ?? entry.key)),
      status,
      body: entry.text,
      incident_id: incidentId,
      created_at: entry.at,
      updated_at: entry.at,
      display_at: entry.at,
      affected_components: affected.map((c) => ({
        code: c.id,
        name: c.name,
        old_status: 'operational',
        new_status: status === 'resolved' ? 'operational' : impact,
      })),
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    });
  }
  return updates.reverse();
}

/** A published incident resolved without a public word: customers still learn that it is over. */
function resolvedNotice(incidentId: string, at: string, affected: readonly ApiComponent[]): ApiIncidentUpdate {
  return {
    id: publicId('resolved', incidentId),
    status: 'resolved',
    body: 'This incident has been resolved.',
    incident_id: incidentId,
    created_at: at,
    updated_at: at,
    display_at: at,
    affected_components: affected.map((c) => ({
      code: c.id,
      name: c.name,
      old_status: c.status,
      new_status: 'operational',
    })),
    deliver_notifications: true,
    custom_tweet: null,
    tweet_id: null,
  };
}

export function maintenanceStatus(m: Maintenance, now: Date): MaintenanceStatus | undefined {
  const start = Date.parse(m.start);
  const end = Date.parse(m.end);
  const closed = m.closedAt ? Date.parse(m.closedAt) : undefined;
  // Closed before it began: cancelled, and no longer shown.
  if (closed !== undefined && closed < start) return undefined;
  if (closed !== undefined || now.getTime() >= end) return 'completed';
  return now.getTime() >= start ? 'in_progress' : 'scheduled';
}

/** The form fields of a maintenance issue (the issue form and `firebreak maintenance` write the same sections). */
export const MAINTENANCE_FIELDS = {
  start: 'start',
  end: 'end',
  services: 'affected services',
  description: 'what customers should know',
} as const;

/** `2026-12-01 02:00` (UTC unless a zone is given) or any ISO 8601 time -> ISO; undefined when not a time. */
export function parseMaintenanceTime(text: string): string | undefined {
  const trimmed = text.trim();
  const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?(?:\s*UTC)?$/i.exec(trimmed);
  const ms = plain ? Date.parse(`${plain[1]}T${plain[2]}:00Z`) : Date.parse(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString();
}

/**
 * A maintenance window from its issue, or a reason it is not one. Only issues opened by someone with push access
 * count (the label is applied by the issue form for anyone): a drive-by issue never reaches the page.
 */
export function maintenanceFromIssue(
  issue: IssueRecord,
  config: FirebreakConfig,
  trusted: boolean,
): { maintenance?: Maintenance; problem?: string } {
  if (!trusted) return { problem: `#${issue.number} was opened by someone without write access; it is not shown.` };
  const form = parseFormSections(issue.body);
  const start = parseMaintenanceTime(form.get(MAINTENANCE_FIELDS.start) ?? '');
  const end = parseMaintenanceTime(form.get(MAINTENANCE_FIELDS.end) ?? '');
  if (!start || !end)
    return {
      problem: `#${issue.number} needs a "Start" and an "End" like 2026-12-01 02:00 (UTC); it is not shown.`,
    };
  if (end <= start) return { problem: `#${issue.number} ends before it starts; it is not shown.` };
  const known = new Set(config.services.filter((s) => s.public === true).map((s) => s.name));
  const services = (form.get(MAINTENANCE_FIELDS.services) ?? '')
    .split(/[,\n]/)
    .map((s) => s.replace(/^[-*]\s*/, '').trim())
    .filter((s) => known.has(s));
  return {
    maintenance: {
      key: `maintenance-${issue.id}`,
      title: issue.title.replace(/^(?:\[maintenance\]|maintenance:)\s*/i, ''),
      description: form.get(MAINTENANCE_FIELDS.description) ?? '',
      start,
      end,
      services,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      ...(issue.state === 'closed' && issue.closedAt ? { closedAt: issue.closedAt } : {}),
    },
  };
}

/** The JSON API files, by path under `api/v2/`, in Statuspage v2's shapes. */
export function statusPageApi(model: StatusPageModel): Record<string, unknown> {
  const unresolved = model.incidents.filter((i) => i.status !== 'resolved');
  const upcomingOrActive = model.scheduledMaintenances.filter((m) => m.status !== 'completed');
  return {
    'summary.json': {
      page: model.page,
      status: model.status,
      components: model.components,
      incidents: unresolved,
      scheduled_maintenances: upcomingOrActive,
    },
    'status.json': { page: model.page, status: model.status },
    'components.json': { page: model.page, components: model.components },
    'incidents.json': { page: model.page, incidents: model.incidents },
    'incidents/unresolved.json': { page: model.page, incidents: unresolved },
    'scheduled-maintenances.json': { page: model.page, scheduled_maintenances: model.scheduledMaintenances },
  };
}
