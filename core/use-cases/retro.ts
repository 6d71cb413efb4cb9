// The retro: draft the document from the timeline, post it as an entry, or skip it saying why.
import { InputError } from '../domain/errors';
import type { TimelineEntry } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import { renderRetro } from '../domain/render';
import type { IncidentContext, IncidentRef } from './incident-context';

export class Retro {
  constructor(private readonly ctx: IncidentContext) {}

  /** The retro document for an incident (not posted). */
  async draft(ref: IncidentRef): Promise<string> {
    const incident = await this.ctx.withTimeline(ref);
    return renderRetro(
      { url: incident.url, state: incident, timeline: incident.timeline, now: this.ctx.now() },
      this.ctx.deps.renderer,
    );
  }

  /** Posts a retro document as a timeline entry (one request). */
  async post(ref: IncidentRef, markdown: string, key?: string): Promise<TimelineEntry> {
    const text = stripControl(markdown).trim();
    if (!text) throw new InputError('The retro document is empty.');
    return this.ctx.append(ref, { kind: 'retro', ...this.ctx.stamp(key), text });
  }

  /** Skips the retro, saying why: a `retro` entry that clears the retro reminder (one request). */
  async skip(ref: IncidentRef, why: string, key?: string): Promise<TimelineEntry> {
    const text = stripControl(why).trim();
    if (!text)
      throw new InputError(
        'Say why the retro is skipped.',
        'e.g. "Duplicate of #12, whose retro covers it" or "False alarm: nothing broke".',
      );
    return this.ctx.append(ref, { kind: 'retro', ...this.ctx.stamp(key), text, skipped: true });
  }
}
