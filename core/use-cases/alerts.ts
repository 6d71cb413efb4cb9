// Alerts in: an alert from monitoring becomes one incident while that incident is open. The dedupe lives on GitHub,
// so replicas and reruns agree without sharing anything: the incident's body marker names the alert (source and a
// hash of its fingerprint), read from the label-filtered list of open incidents (never the search API, whose index
// lags). A repeat costs that one list (answered 304 when nothing changed) and writes nothing; a change of state
// (firing -> resolved -> firing) adds one observation and moves the `alert:resolved` label; a new alert is the list
// and one create, then one more list to find a replica that declared the same alert at the same moment (the later
// of two is closed as a duplicate of the lowest number).
import { alertId, ALERT_SOURCE_NAMES, type Alert } from '../alerts/alert';
import { routeAlert, type AlertDecision } from '../alerts/routes';
import { entriesFromComments } from '../domain/event-log';
import { withoutMentions } from '../domain/markdown';
import { isActive, LEAD, type Incident } from '../domain/incident';
import { incidentFromIssue } from '../domain/issue-view';
import type { IssueRecord } from '../github/issue-gateway';
import type { IncidentContext } from './incident-context';
import type { UseCaseDeps } from './use-case';
import type { Authority } from '../authority';
import { authorityFor, trustForComments, trustForIssues } from './writers';
import { DeclareIncident } from './declare-incident';
import { LogEntry } from './log-entry';
import { ResolveIncident } from './resolve-incident';

/** On an alert's incident while its alert is resolved; absent while it fires. */
export const ALERT_RESOLVED_LABEL = 'alert:resolved';

export type AlertResult = 'declared' | 'repeat' | 'observed' | 'resolved' | 'attached' | 'ignored' | 'duplicate';

export interface AlertOutcome {
  readonly result: AlertResult;
  /** The alert's source and fingerprint hash, for logs (never the payload). */
  readonly alert: string;
  readonly number?: number;
  readonly url?: string;
  readonly reason?: string;
}

export interface AlertIntakeDeps extends UseCaseDeps {
  /** The service acting as the receiver (a GitHub App's bot, or the token's user). */
  readonly service: IncidentContext;
}

interface Listed {
  readonly issue: IssueRecord;
  readonly incident: Incident;
}

export class AlertIntake {
  /** Deliveries of one alert in this process go one after the other; other replicas are met on GitHub. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  private readonly authority: Authority;

  constructor(private readonly deps: AlertIntakeDeps) {
    this.authority = authorityFor(deps);
  }

  /** Handles each alert of a delivery; the outcomes in the same order. */
  async receiveAll(alerts: readonly Alert[]): Promise<AlertOutcome[]> {
    return Promise.all(alerts.map((alert) => this.receive(alert)));
  }

  async receive(received: Alert): Promise<AlertOutcome> {
    // An alert's words come from payloads and exception messages nobody vouches for: they notify nobody.
    const alert = {
      ...received,
      title: withoutMentions(received.title),
      description: withoutMentions(received.description),
    };
    const decision = routeAlert(this.deps.config, alert);
    const id = alertId(alert);
    const name = `${alert.source}:${id}`;
    if (decision.action === 'ignore')
      return { result: 'ignored', alert: name, reason: `alerts.routes[${decision.route ?? 0}] ignores it` };
    const previous = this.lanes.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.handle(alert, id, name, decision));
    this.lanes.set(id, run);
    try {
      return await run;
    } finally {
      if (this.lanes.get(id) === run) this.lanes.delete(id);
    }
  }

  private async handle(alert: Alert, id: string, name: string, decision: AlertDecision): Promise<AlertOutcome> {
    const open = await this.openIncidents();
    const same = this.sameAlert(open, alert, id);
    const first = same[0];
    if (first) {
      await this.closeDuplicates(first.incident, same.slice(1));
      return this.follow(first, alert, id, name, decision);
    }
    if (alert.status === 'resolved')
      return { result: 'ignored', alert: name, reason: 'resolved, and no open incident declared from it' };
    if (decision.action === 'attach' && decision.service) {
      const target = open.find((o) => isActive(o.incident) && o.incident.services.includes(decision.service ?? ''));
      if (target) return this.attach(target, alert, id, name);
    }
    const declared = await this.declare(alert, id, decision);
    // A replica may have declared the same alert at the same moment: the lowest number stays.
    const lowest = this.sameAlert(await this.openIncidents(), alert, id)[0];
    if (lowest && lowest.incident.number < declared.number) {
      await this.closeDuplicates(lowest.incident, [{ incident: declared }]);
      return { result: 'duplicate', alert: name, number: lowest.incident.number, url: lowest.incident.url };
    }
    return { result: 'declared', alert: name, number: declared.number, url: declared.url };
  }

  private async openIncidents(): Promise<Listed[]> {
    const { gateway, config } = this.deps;
    const issues = await gateway.listIssues({ labels: [config.labels.incident], state: 'open' });
    // Only bodies by people with write access name an alert: anyone's issue from the form could claim one.
    const trust = await trustForIssues(this.authority, gateway.repo, issues);
    return issues.map((issue) => ({
      issue,
      incident: incidentFromIssue({ repo: gateway.repo, issue, config }, trust),
    }));
  }

  /** Open incidents declared from this alert, lowest number first (only trusted bodies name an alert). */
  private sameAlert(open: readonly Listed[], alert: Alert, id: string): Listed[] {
    return open
      .filter((o) => o.incident.declaration.alert?.id === id && o.incident.declaration.alert.source === alert.source)
      .sort((a, b) => a.incident.number - b.incident.number);
  }

  private async declare(alert: Alert, id: string, decision: AlertDecision): Promise<Incident> {
    const source = ALERT_SOURCE_NAMES[alert.source];
    const description = [
      alert.description,
      `Declared from ${source}${alert.url ? `: ${alert.url}` : ''}. Nobody has taken the lead yet.`,
    ]
      .filter(Boolean)
      .join('\n\n');
    return new DeclareIncident(this.deps.service).run({
      title: alert.title,
      severity: decision.severity,
      description,
      ...(decision.service ? { services: [decision.service] } : {}),
      // The same key from every replica: a create answered with an error but applied is found, not repeated.
      key: `alert-${id}-${alert.startsAt ?? 'open'}`,
      alert: { source: alert.source, id, ...(alert.url ? { url: alert.url } : {}) },
    });
  }

  /** An open incident of this alert: nothing when its recorded state is the alert's, else one observation. */
  private async follow(
    listed: Listed,
    alert: Alert,
    id: string,
    name: string,
    decision: AlertDecision,
  ): Promise<AlertOutcome> {
    const { issue, incident } = listed;
    const recorded = issue.labels.includes(ALERT_RESOLVED_LABEL) ? 'resolved' : 'firing';
    const at = { alert: name, number: incident.number, url: incident.url };
    if (alert.status === recorded) return { result: 'repeat', ...at };
    const source = ALERT_SOURCE_NAMES[alert.source];
    const said = alert.status === 'resolved' ? 'reports the alert resolved' : 'reports the alert firing again';
    // One key per change of state (its episode, or the comment count every replica read): a retry or a replica
    // posting it again writes a duplicate that every reader drops.
    const key = `alert-${id}-${alert.status}-${alert.startsAt ?? issue.comments}`;
    await new LogEntry(this.deps.service).run(incident, {
      kind: 'observation',
      text: `${source} ${said}: ${alert.title}${alert.url ? ` (${alert.url})` : ''}`,
      key,
    });
    // The one label moves on its own: the set as listed may be stale already (a severity change, a person's label).
    if (alert.status === 'resolved') await this.deps.gateway.addLabels(incident.number, [ALERT_RESOLVED_LABEL]);
    else await this.deps.gateway.removeLabel(incident.number, ALERT_RESOLVED_LABEL);
    if (alert.status === 'resolved' && decision.autoResolve && !(await this.personActed(incident))) {
      await new ResolveIncident(this.deps.service).run(
        incident.number,
        `Resolved automatically: ${source} reports the alert resolved.`,
      );
      return { result: 'resolved', ...at };
    }
    return { result: 'observed', ...at };
  }

  /** Whether anyone but the receiver has written an entry or taken a role: then the lead decides, not the alert. */
  private async personActed(incident: Incident): Promise<boolean> {
    const receiver = this.deps.service.actor;
    if (incident.roles[LEAD] !== receiver) return true;
    const comments = await this.deps.gateway.listComments(incident.number);
    const trust = await trustForComments(this.authority, this.deps.gateway.repo, comments);
    return entriesFromComments(comments, trust).some((entry) => entry.by !== receiver);
  }

  /** `attach`: the alert is an observation on the service's active incident (once per alert state). */
  private async attach(target: Listed, alert: Alert, id: string, name: string): Promise<AlertOutcome> {
    const { incident } = target;
    const key = `alert-${id}-${alert.status}-${alert.startsAt ?? 'attached'}`;
    const at = { alert: name, number: incident.number, url: incident.url };
    if (await this.deps.gateway.hasCommentWithKey(incident.number, key)) return { result: 'repeat', ...at };
    await new LogEntry(this.deps.service).run(incident, {
      kind: 'observation',
      text: `${ALERT_SOURCE_NAMES[alert.source]} alert: ${alert.title}${alert.url ? ` (${alert.url})` : ''}`,
      key,
    });
    return { result: 'attached', ...at };
  }

  /** Closes the later incidents of one alert as duplicates of the lowest number, with a link to it. */
  private async closeDuplicates(original: Incident, duplicates: readonly { incident: Incident }[]): Promise<void> {
    for (const { incident } of duplicates) {
      await new ResolveIncident(this.deps.service).run(
        incident.number,
        `Duplicate of #${original.number}: the same alert was declared there at the same moment (${original.url}).`,
        { duplicate: true },
      );
    }
  }
}
