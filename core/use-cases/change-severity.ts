// Change an incident's severity: a severity entry with the reason, and the labels and body that show it.
import { requireSeverity } from '../domain/config';
import type { Incident } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import type { IncidentContext, IncidentRef } from './incident-context';

export class ChangeSeverity {
  constructor(private readonly ctx: IncidentContext) {}

  async run(ref: IncidentRef, severityName: string, reason?: string): Promise<Incident> {
    const severity = requireSeverity(this.ctx.config, severityName);
    const basis = await this.ctx.prepare(ref);
    const incident = basis.incident;
    // Already so in the timeline (a rerun after its view write failed, or someone was faster): complete the view.
    if (incident.severity === severity.name) return this.ctx.complete(basis);
    return this.ctx.change(basis, {
      kind: 'severity',
      ...this.ctx.stamp(),
      from: incident.severity,
      to: severity.name,
      ...(reason ? { reason: stripControl(reason).trim() } : {}),
    });
  }
}
