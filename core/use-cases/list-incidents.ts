// The active incidents, newest first: one list request per repository (more only past 100), state from the bodies.
import { isActive, type Incident } from '../domain/incident';
import { incidentFromIssue } from '../domain/issue-view';
import { trustForIssues } from './writers';
import type { IncidentContext } from './incident-context';
import type { FirebreakConfig } from '../domain/config';
import type { IssueGateway, IssueRecord } from '../github/issue-gateway';

/** The incident issues open now and those closed in the `days` before `now`, for the digest and the status page. */
export async function recentIncidentIssues(
  gateway: IssueGateway,
  config: FirebreakConfig,
  now: Date,
  days: number,
): Promise<{ open: IssueRecord[]; closed: IssueRecord[]; since: string }> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const [open, closed] = await Promise.all([
    gateway.listIssues({ labels: [config.labels.incident], state: 'open' }),
    // `since` is on updated_at: a superset of the incidents resolved in the window, never the whole archive.
    gateway.listIssues({ labels: [config.labels.incident], state: 'closed', since }),
  ]);
  return { open, closed, since };
}

export class ListIncidents {
  constructor(private readonly ctx: IncidentContext) {}

  /** Active incidents, newest first, from one list request (more only past 100): the state cached in bodies. */
  async run(options: { includePrivate?: boolean } = {}): Promise<Incident[]> {
    const gateways = [
      this.ctx.deps.gateway,
      ...(options.includePrivate && this.ctx.deps.privateGateway ? [this.ctx.deps.privateGateway] : []),
    ];
    const lists = await Promise.all(
      gateways.map(async (gateway) => {
        const issues = await gateway.listIssues({ labels: [this.ctx.config.labels.incident], state: 'open' });
        const trust = await trustForIssues(this.ctx.authority, gateway.repo, issues);
        return issues.map((issue) => incidentFromIssue({ repo: gateway.repo, issue, config: this.ctx.config }, trust));
      }),
    );
    return lists
      .flat()
      .filter(isActive)
      .sort((a, b) => Date.parse(b.timestamps.declared) - Date.parse(a.timestamps.declared));
  }
}
