// The shape every use case has: a class made from what it needs, with async methods that take the input and return
// the result. Each computes what to write in the domain (core/domain) first, then reads and writes through the
// gateway (core/github). The incident use cases take an `IncidentContext` (incident-context.ts: locate, prepare,
// entry and view written together, converge, settle; made once per actor by `incidentContext(connection, { actor })`
// in core/wiring.ts); the others take `UseCaseDeps`, which a `Connection` provides.
//
//   new DeclareIncident(ctx).run(input)                 declare an incident: one request creates its issue
//   new LogEntry(ctx).run(ref, input)                   log an action, observation, decision, question or theory
//   new PostUpdate(ctx).run(ref, input)                 post a status update (milestone, next update, public)
//   new ChangeStatus(ctx).run(ref, to, text)            move the milestone (investigating … resolved)
//   new ChangeSeverity(ctx).run(ref, severity, reason)  change the severity
//   new AssignRole(ctx).run(ref, role, login) / .release(ref, role)   give (or hand over) a role; release one
//   new ResolveIncident(ctx).run(ref, text) / .reopen(ref, text)      resolve (close) or reopen
//   new Retro(ctx).draft(ref) / .post(ref, md) / .skip(ref, why)      the retro document: draft, post, skip
//   new CallBreak(ctx).run(ref, input)                  call a break for the team
//   new RetrosDue(ctx).run()                            retros due on recently resolved incidents
//   new SimilarIncidents(ctx).run(draft, active)        active incidents like one about to be declared
//   new ListIncidents(ctx).run(options)                 the active incidents, newest first
//   new ShowIncident(ctx).run(ref)                      one incident with its whole timeline
//   new RepairIncident(ctx).run(ref) / .syncLabels(repo)              rewrite the view from the timeline; label colors
//   new Freeze({ ...deps, service }).run(request)       is this deploy frozen; record a bypass
//   new FollowUps(deps).run(incidentNumber, options)    follow-up issues from a retro's checklist
//   new Status(deps).run(options)                       status report, reminders, digest, repairs
//   new AlertIntake({ ...deps, service }).receive(alert)  an alert from monitoring: declare once, follow its state
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
