// Move an incident's milestone (investigating, identified, monitoring, resolved) with a status entry.
import { InputError } from '../domain/errors';
import { isMilestone, type Incident, type Milestone } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import type { IncidentContext, IncidentRef } from './incident-context';

export class ChangeStatus {
  constructor(private readonly ctx: IncidentContext) {}

  async run(ref: IncidentRef, to: Milestone, text?: string): Promise<Incident> {
    if (!isMilestone(to))
      throw new InputError(`Unknown status "${String(to)}".`, 'Use investigating, identified, monitoring or resolved.');
    const basis = await this.ctx.prepare(ref);
    const incident = basis.incident;
    if (incident.status === to && this.ctx.landedHere(basis, (e) => e.kind === 'status' && e.to === to))
      return this.ctx.complete(basis);
    return this.ctx.change(basis, {
      kind: 'status',
      ...this.ctx.stamp(),
      from: incident.status,
      to,
      ...(text ? { text: stripControl(text).trim() } : {}),
    });
  }
}
