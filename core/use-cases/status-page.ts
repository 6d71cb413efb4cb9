// The public status page: reads the incident repository (never the private one) and builds the site's files.
// Requests: one list of open incidents, one of incidents closed in the window (`since`), one of open maintenance
// issues (each a request per 100), plus the comments of incidents that have a public update; nothing else.
import { randomUUID } from 'node:crypto';
import { InputError } from '../domain/errors';
import { formatMarker, isTrustedIssue } from '../domain/event-log';
import { authorityFor, trustForIssue, trustForIssues } from './writers';
import { stripControl } from '../domain/markdown';
import { incidentFromComments, incidentFromIssue } from '../domain/issue-view';
import type { Incident } from '../domain/incident';
import { createSiteRenderer, type SiteFile, type SiteRenderer } from '../domain/status-page-render';
import {
  buildStatusPage,
  HISTORY_DAYS,
  isPublished,
  MAINTENANCE_FIELDS,
  maintenanceFromIssue,
  parseMaintenanceTime,
  type Indicator,
  type Maintenance,
  type StatusPageModel,
} from '../domain/status-page';
import type { IssueRecord } from '../domain/records';
import type { UseCaseDeps } from './use-case';
import { recentIncidentIssues } from './list-incidents';

/** The label of scheduled maintenance issues. */
export const MAINTENANCE_LABEL = 'maintenance';

export interface StatusPageDeps extends Omit<UseCaseDeps, 'renderer'> {
  /** The site's templates (built-in, or overridden from the config's templates folder). */
  readonly siteRenderer?: SiteRenderer;
}

export interface StatusPageOptions {
  readonly title?: string;
  readonly baseUrl?: string;
  /** The file name the logo is copied to next to the pages (the edge copies it). */
  readonly logoFile?: string;
}

export interface StatusPageResult {
  readonly model: StatusPageModel;
  readonly files: readonly SiteFile[];
  readonly indicator: Indicator;
  /** Maintenance issues that were not shown, and why. */
  readonly warnings: readonly string[];
}

export class StatusPage {
  constructor(private readonly deps: StatusPageDeps) {}

  async build(options: StatusPageOptions = {}): Promise<StatusPageResult> {
    const { gateway, config } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    // Compiled first: a template that does not compile fails before any request.
    const siteRenderer = this.deps.siteRenderer ?? createSiteRenderer();
    const [{ open, closed }, maintenanceIssues] = await Promise.all([
      recentIncidentIssues(gateway, config, now, HISTORY_DAYS),
      // Open maintenance only: a closed one is over or cancelled.
      gateway.listIssues({ labels: [MAINTENANCE_LABEL], state: 'open' }),
    ]);
    const authority = authorityFor(this.deps);
    // Public updates, and maintenance announcements, count only from people with write access.
    const listed = await trustForIssues(authority, gateway.repo, [...open, ...closed, ...maintenanceIssues]);
    const summaries = [...open, ...closed]
      .filter((issue) => issue.stateReason !== 'not_planned' && issue.stateReason !== 'duplicate')
      .map((issue) => ({ issue, incident: incidentFromIssue({ repo: gateway.repo, issue, config }, listed) }))
      .filter(({ incident }) => isPublished(incident));
    const incidents: Incident[] = [];
    for (const { issue } of summaries) {
      const comments = await gateway.listComments(issue.number);
      const trust = await trustForIssue(authority, gateway.repo, issue, comments);
      const { incident } = incidentFromComments({ repo: gateway.repo, issue, config }, comments, trust);
      // The timeline is the truth: a body that claims a publication its comments do not hold shows nothing.
      if (isPublished(incident)) incidents.push(incident);
    }
    const warnings: string[] = [];
    const maintenances: Maintenance[] = [];
    for (const issue of maintenanceIssues) {
      if (issue.labels.includes(config.labels.incident)) continue;
      const { maintenance, problem } = maintenanceFromIssue(issue, config, isTrustedIssue(issue, listed));
      if (maintenance) maintenances.push(maintenance);
      else if (problem && issue.state === 'open') warnings.push(`Maintenance ${problem}`);
    }
    const model = buildStatusPage({
      config,
      incidents,
      maintenances,
      now,
      ...(options.title ? { title: options.title } : {}),
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    });
    const files = siteRenderer.render(model, options.logoFile ? { logoFile: options.logoFile } : {});
    return { model, files, indicator: model.status.indicator, warnings };
  }
}

export interface MaintenanceInput {
  readonly title: string;
  /** ISO 8601, or `YYYY-MM-DD HH:MM` in UTC. */
  readonly start: string;
  readonly end: string;
  /** Public services (components) it affects. */
  readonly services?: readonly string[];
  /** What customers should know; published as it is. */
  readonly description?: string;
  readonly key?: string;
}

function heading(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/**
 * Schedules maintenance: one issue labelled `maintenance`, its fields in the sections the issue form writes, so the
 * page reads both the same way. Published on the next build; closing the issue ends (or cancels) it.
 */
export async function scheduleMaintenance(
  deps: Pick<UseCaseDeps, 'gateway' | 'config'>,
  input: MaintenanceInput,
  now: Date = new Date(),
): Promise<IssueRecord> {
  const title = stripControl(input.title).replace(/\s+/g, ' ').trim();
  if (!title) throw new InputError('Maintenance needs a title.', 'Say what is maintained, e.g. "Database upgrade".');
  const start = parseMaintenanceTime(input.start);
  const end = parseMaintenanceTime(input.end);
  const timeHint = 'Give times as 2026-12-01T02:00Z or "2026-12-01 02:00" (UTC).';
  if (!start) throw new InputError(`The start "${input.start}" is not a time.`, timeHint);
  if (!end) throw new InputError(`The end "${input.end}" is not a time.`, timeHint);
  if (end <= start) throw new InputError('The maintenance ends before it starts.', timeHint);
  if (Date.parse(end) <= now.getTime())
    throw new InputError('The maintenance would already be over.', 'Give an end in the future.');
  const publicServices = deps.config.services.filter((s) => s.public === true).map((s) => s.name);
  const unknown = (input.services ?? []).filter((s) => !publicServices.includes(s));
  if (unknown.length > 0)
    throw new InputError(
      `Not a public service: ${unknown.join(', ')}.`,
      publicServices.length > 0
        ? `Use one of: ${publicServices.join(', ')} (services with public: true in ${deps.config.source}).`
        : `No service is public yet: mark services "public: true" in ${deps.config.source}.`,
    );
  const key = input.key ?? randomUUID();
  const section = (field: string, value: string) => `### ${heading(field)}\n\n${value || '_No response_'}\n`;
  const body = [
    formatMarker('maintenance', { key }),
    section(MAINTENANCE_FIELDS.start, `${start.slice(0, 16).replace('T', ' ')} UTC`),
    section(MAINTENANCE_FIELDS.end, `${end.slice(0, 16).replace('T', ' ')} UTC`),
    section(MAINTENANCE_FIELDS.services, (input.services ?? []).join(', ')),
    section(MAINTENANCE_FIELDS.description, stripControl(input.description ?? '').trim()),
  ].join('\n');
  return deps.gateway.createIssue({ title, body, labels: [MAINTENANCE_LABEL] }, key);
}
