// Resolve an incident (a final update, then the issue closes with its view current) or reopen it.
import type { Incident } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import type { IncidentContext, IncidentRef } from './incident-context';

export class ResolveIncident {
  constructor(private readonly ctx: IncidentContext) {}

  /**
   * Resolves: a final update entry, then the issue is closed with its body and labels current. `public` publishes
   * the final text on the status page (a published incident shows as resolved there either way).
   */
  async run(
    ref: IncidentRef,
    text?: string,
    options: { readonly public?: boolean; readonly duplicate?: boolean } = {},
  ): Promise<Incident> {
    const basis = await this.ctx.prepare(ref);
    this.ctx.checkPublishable(basis.incident, options.public === true);
    const finalText = stripControl(text ?? '').trim() || 'Resolved.';
    if (this.ctx.landedHere(basis, (e) => e.kind === 'update' && e.status === 'resolved' && e.text === finalText))
      return this.ctx.complete(basis);
    // A duplicate closes as GitHub's "duplicate" (state_reason counts only with the change of state).
    return this.ctx.change(
      basis,
      {
        kind: 'update',
        ...this.ctx.stamp(),
        text: finalText,
        status: 'resolved',
        ...(options.public ? { public: true } : {}),
      },
      options.duplicate ? 'duplicate' : 'completed',
    );
  }

  async reopen(ref: IncidentRef, text?: string): Promise<Incident> {
    const basis = await this.ctx.prepare(ref);
    const reopenText = stripControl(text ?? '').trim() || 'Reopened.';
    if (
      basis.incident.status === 'investigating' &&
      this.ctx.landedHere(basis, (e) => e.kind === 'status' && e.to === 'investigating' && e.text === reopenText)
    )
      return this.ctx.complete(basis);
    return this.ctx.change(basis, {
      kind: 'status',
      ...this.ctx.stamp(),
      from: basis.incident.status,
      to: 'investigating',
      text: reopenText,
    });
  }
}
