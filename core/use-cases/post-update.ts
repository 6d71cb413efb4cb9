// Post a status update (optionally moving the milestone, publishing it): a comment, then the body and labels.
import { InputError } from '../domain/errors';
import { isMilestone, type Incident, type Milestone } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import { publicTitleOf, type IncidentContext, type IncidentRef } from './incident-context';

export interface UpdateInput {
  readonly text: string;
  readonly status?: Milestone;
  readonly nextUpdateBy?: string;
  readonly key?: string;
  /** Publish it on the status page. */
  readonly public?: boolean;
  /** The title customers see from now on. */
  readonly publicTitle?: string;
}

export class PostUpdate {
  constructor(private readonly ctx: IncidentContext) {}

  /** Posts a status update (and optionally moves the milestone): a comment, then the body and labels. */
  async run(ref: IncidentRef, input: UpdateInput): Promise<Incident> {
    const text = stripControl(input.text).trim();
    if (!text)
      throw new InputError(
        'The update is empty.',
        'Say the current status, the impact, what is being done and when the next update comes.',
      );
    if (input.status && !isMilestone(input.status))
      throw new InputError(
        `Unknown status "${input.status}".`,
        'Use investigating, identified, monitoring or resolved.',
      );
    const basis = await this.ctx.prepare(ref);
    const publicTitle = publicTitleOf(input.publicTitle);
    this.ctx.checkPublishable(basis.incident, input.public === true || publicTitle.publicTitle !== undefined);
    const landed = basis.unshown.find(
      (e) =>
        e.kind === 'update' &&
        e.by === this.ctx.actor &&
        e.text === text &&
        e.status === input.status &&
        (e.public === true) === (input.public === true),
    );
    if (landed && !input.key) return this.ctx.complete(basis);
    return this.ctx.change(basis, {
      kind: 'update',
      ...this.ctx.stamp(input.key),
      text,
      ...(input.status ? { status: input.status } : {}),
      ...(input.nextUpdateBy ? { nextUpdateBy: input.nextUpdateBy } : {}),
      ...(input.public ? { public: true } : {}),
      ...publicTitle,
    });
  }
}
