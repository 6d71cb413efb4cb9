// Repair an incident's view (body, labels, assignees, open/closed) from its timeline, and give the managed labels
// their colors and descriptions.
import { FirebreakError } from '../domain/errors';
import { repoSlug, type Incident, type RepoRef } from '../domain/incident';
import { managedLabelSpecs } from '../domain/issue-view';
import type { IssueGateway } from '../github/issue-gateway';
import type { IncidentContext, IncidentRef } from './incident-context';

export class RepairIncident {
  constructor(private readonly ctx: IncidentContext) {}

  /**
   * Recomputes the body, labels, assignees and open/closed state from the comments; writes only the parts that
   * differ, and again while someone else writes at the same time, until GitHub shows the view of every entry.
   */
  async run(ref: IncidentRef): Promise<{ incident: Incident; changed: string[] }> {
    const { gateway, number } = this.ctx.locate(ref);
    this.ctx.requireIncidentIssue(gateway, await gateway.getIssue(number));
    // Repair rewrites labels and body from the timeline: never from a timeline someone rewrote.
    return this.ctx.viewSync(gateway).converge(number, {
      refuseEdited: (incident) => this.refuseEditedHistory(gateway, incident),
    });
  }

  /**
   * Gives the managed labels their colors and descriptions. GitHub creates a missing label on first use with its
   * grey default, and every issue answer carries each label's color: the labels that came back grey from this
   * service's writes are the only ones written here, so a repository whose labels are set up costs no request.
   */
  async syncLabels(repo: RepoRef = this.ctx.repo): Promise<number> {
    const slug = repoSlug(repo);
    const pending = this.ctx.greyLabels.get(slug);
    if (!pending || pending.size === 0) return 0;
    const gateway = this.ctx.gatewayFor(repo);
    const specs = managedLabelSpecs(this.ctx.config).filter((spec) => pending.has(spec.name));
    let written = 0;
    for (const spec of specs) {
      await gateway.upsertLabel(spec);
      pending.delete(spec.name);
      written++;
    }
    return written;
  }

  /** Repair rewrites labels and body from the timeline: never from a timeline someone rewrote. */
  private refuseEditedHistory(gateway: IssueGateway, incident: Incident): void {
    const edited = incident.editedEntries ?? [];
    if (edited.length === 0) return;
    throw new FirebreakError(
      'conflict',
      `${repoSlug(gateway.repo)}#${incident.number}: ${edited.length === 1 ? 'an entry was' : `${edited.length} entries were`} ` +
        `edited after ${edited.length === 1 ? 'it was' : 'they were'} written (${edited.map((e) => e.url ?? e.key).join(', ')}). ` +
        'Repair does not follow a rewritten history; labels and body keep the state recorded before the edit.',
      'Restore the comment from its edit history on GitHub, or record the change again as a new entry ' +
        `(e.g. firebreak severity ${incident.number} <severity>).`,
    );
  }
}
