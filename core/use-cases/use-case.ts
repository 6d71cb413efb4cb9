// The shape every use case has: a class made from what it needs (`UseCaseDeps`, which a `Connection` from
// core/wiring.ts provides), with async methods that take the input and return the result. Each computes what to
// write in the domain (core/domain) first, then reads and writes through the gateway (core/github).
//
//   new IncidentService({ ...deps, actor }).declare(input)   declare, log, update, severity, role, resolve, repair
//   new Freeze({ ...deps, service }).run(request)            is this deploy frozen; record a bypass
//   new FollowUps(deps).run(incidentNumber, options)          follow-up issues from a retro's checklist
//   new Status(deps).run(options)                             status report, reminders, digest, repairs
//   new AlertIntake({ ...deps, service }).receive(alert)      an alert from monitoring: declare once, follow its state
import type { Authority } from '../authority';
import type { FirebreakConfig } from '../domain/config';
import type { Renderer } from '../domain/render';
import type { IssueGateway } from '../github/issue-gateway';

export interface UseCaseDeps {
  readonly config: FirebreakConfig;
  /** The incident repository's gateway. */
  readonly gateway: IssueGateway;
  readonly renderer: Renderer;
  /** The clock (tests and drills set it). */
  readonly now?: () => Date;
  /** Who may act (GitHub's permission), one per run (core/wiring.ts); made over the gateway when absent. */
  readonly authority?: Authority;
}
