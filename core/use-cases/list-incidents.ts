// The active incidents, newest first: one list request per repository (more only past 100), state from the bodies.
import { isActive, type Incident } from '../domain/incident';
import { incidentFromIssue } from '../domain/issue-view';
import type { IncidentContext } from './incident-context';

export class ListIncidents {
  constructor(private readonly ctx: IncidentContext) {}

  /** Active incidents, newest first, from one list request (more only past 100): the state cached in bodies. */
  async run(options: { includePrivate?: boolean } = {}): Promise<Incident[]> {
    const gateways = [
      this.ctx.deps.gateway,
      ...(options.includePrivate && this.ctx.deps.privateGateway ? [this.ctx.deps.privateGateway] : []),
    ];
    const lists = await Promise.all(
      gateways.map(async (gateway) =>
        (await gateway.listIssues({ labels: [this.ctx.config.labels.incident], state: 'open' })).map((issue) =>
          incidentFromIssue({ repo: gateway.repo, issue, config: this.ctx.config }),
        ),
      ),
    );
    return lists
      .flat()
      .filter(isActive)
      .sort((a, b) => Date.parse(b.timestamps.declared) - Date.parse(a.timestamps.declared));
  }
}
