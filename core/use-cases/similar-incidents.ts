// Active incidents that look like one about to be declared (shared service or similar title).
import type { Incident } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import { similarIncidents, type DraftIncident, type SimilarIncident } from '../domain/similar';
import { ListIncidents } from './list-incidents';
import type { IncidentContext } from './incident-context';

export class SimilarIncidents {
  constructor(private readonly ctx: IncidentContext) {}

  /**
   * Active incidents that look like the one about to be declared (shared service or similar title). Pass the list an
   * edge already holds (the extension's) to spend no request; otherwise it is one list request.
   */
  async run(draft: DraftIncident, active?: readonly Incident[]): Promise<SimilarIncident[]> {
    const list = active ?? (await new ListIncidents(this.ctx).run({ includePrivate: draft.private === true }));
    return similarIncidents({ ...draft, title: stripControl(draft.title) }, list);
  }
}
