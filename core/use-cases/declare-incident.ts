// Declare: one request creates the incident's issue with its labels, the lead as assignee and the body.
import { requireSeverity, TRIAGE_SEVERITY } from '../domain/config';
import { FirebreakError, GitHubError, InputError } from '../domain/errors';
import { initialState } from '../domain/event-log';
import { repoSlug, shownState, type AlertRef, type Declaration, type Incident } from '../domain/incident';
import { assigneesFor, incidentFromIssue, labelsFor } from '../domain/issue-view';
import { trustOf } from '../domain/trust';
import { stripControl } from '../domain/markdown';
import { boundedDescription, renderIncidentBody } from '../domain/render';
import type { IssueGateway, IssueRecord } from '../github/issue-gateway';
import { normalizeLogin, publicTitleOf, TITLE_MAX, type IncidentContext } from './incident-context';

export interface DeclareInput {
  readonly title: string;
  readonly severity?: string;
  readonly description?: string;
  readonly lead?: string;
  readonly services?: readonly string[];
  readonly private?: boolean;
  readonly drill?: boolean;
  readonly key?: string;
  /** The title customers see on the status page, if not the title. */
  readonly publicTitle?: string;
  /** Declared from a monitoring alert (see core/use-cases/alerts.ts). */
  readonly alert?: AlertRef;
}

export class DeclareIncident {
  constructor(private readonly ctx: IncidentContext) {}

  /** Declares an incident: one request that creates the issue with its labels, lead assignee and body. */
  async run(input: DeclareInput): Promise<Incident> {
    const title = stripControl(input.title).replace(/\s+/g, ' ').trim();
    if (!title)
      throw new InputError(
        'An incident needs a title.',
        'Say in a few words what is wrong, e.g. "Checkout returns 500s".',
      );
    const severity = input.severity ? requireSeverity(this.ctx.config, input.severity).name : TRIAGE_SEVERITY.name;
    const services = [...new Set(input.services ?? [])];
    this.checkServices(services);
    const gateway = this.gatewayForDeclare(input.private === true);
    const lead = normalizeLogin(input.lead ?? this.ctx.actor);
    const declaration: Declaration = {
      key: input.key ?? this.ctx.newKey(),
      title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
      description: boundedDescription(stripControl(input.description ?? '').trim()),
      severity,
      lead,
      declaredBy: this.ctx.actor,
      declaredAt: this.ctx.now().toISOString(),
      private: input.private === true,
      drill: input.drill === true,
      services,
      ...publicTitleOf(input.publicTitle),
      ...(input.alert ? { alert: input.alert } : {}),
    };
    const state = initialState(declaration);
    const issue = await this.createWithAssigneeFallback(
      gateway,
      {
        title: `${declaration.drill ? '[drill] ' : ''}${declaration.title}`,
        body: renderIncidentBody(declaration, state, this.ctx.config, this.ctx.deps.renderer, 0),
        labels: labelsFor(shownState(declaration, state), this.ctx.config),
        assignees: assigneesFor(shownState(declaration, state)),
      },
      declaration.key,
    );
    // GitHub drops the labels of people who cannot push without a word: what it answered is what happened.
    if (!this.ctx.isIncidentIssue(issue)) {
      const slug = repoSlug(gateway.repo);
      throw new FirebreakError(
        'permission',
        `Not declared: GitHub opened ${slug}#${issue.number} but dropped its labels and assignees, because ` +
          `@${issue.author} cannot label new issues in ${slug} (that needs write access). ` +
          `#${issue.number} is an ordinary issue, not an incident: nothing freezes and nobody is paged.`,
        `Ask someone with write access to ${slug} to declare it (or to take #${issue.number}), or ask an admin for ` +
          'write access; you may close the issue.',
      );
    }
    this.ctx.noteGreyLabels(gateway.repo, issue);
    // GitHub kept its labels, which only people with push access can set: its author may write.
    return incidentFromIssue({ repo: gateway.repo, issue, config: this.ctx.config }, trustOf([issue.author]));
  }

  private gatewayForDeclare(isPrivate: boolean): IssueGateway {
    if (!isPrivate) return this.ctx.deps.gateway;
    if (!this.ctx.deps.privateGateway) {
      throw new InputError(
        'This incident is private, but no private repository is configured.',
        `Set private-repository: owner/name in ${this.ctx.config.source}, so private incidents never land in a public repository.`,
      );
    }
    return this.ctx.deps.privateGateway;
  }

  private checkServices(services: readonly string[]): void {
    if (this.ctx.config.services.length === 0) return;
    const unknown = services.filter((s) => !this.ctx.config.services.some((c) => c.name === s));
    if (unknown.length > 0) {
      throw new InputError(
        `Unknown service ${unknown.map((s) => `"${s}"`).join(', ')}.`,
        `Use one of: ${this.ctx.config.services.map((s) => s.name).join(', ')}.`,
      );
    }
  }

  private async createWithAssigneeFallback(
    gateway: IssueGateway,
    issue: { title: string; body: string; labels: string[]; assignees: string[] },
    key: string,
  ): Promise<IssueRecord> {
    try {
      return await gateway.createIssue(issue, key);
    } catch (error) {
      // A lead who cannot be assigned (not a collaborator) must not stop a declare: the body still names them.
      if (error instanceof GitHubError && error.code === 'validation' && issue.assignees.length > 0) {
        return gateway.createIssue({ ...issue, assignees: [] }, key);
      }
      throw error;
    }
  }
}
