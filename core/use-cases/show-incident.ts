// One incident folded with its whole timeline: the issue plus ⌈comments/100⌉ comment pages.
import type { Incident } from '../domain/incident';
import type { IncidentContext, IncidentRef } from './incident-context';

export class ShowIncident {
  constructor(private readonly ctx: IncidentContext) {}

  /** The folded incident with its whole timeline: the issue plus ⌈comments/100⌉ comment pages. */
  async run(ref: IncidentRef): Promise<Incident> {
    return this.ctx.withTimeline(ref);
  }
}
