// "Take Lead": an incident declared from an alert has no lead until a person takes it. One step: you become the
// lead, recorded as a role entry (the moment someone took charge, which MTTA counts from).
import { isUnacknowledged, LEAD, type Incident } from '../../core/domain/incident';
import { COMMANDS } from '../ids';
import { unacknowledgedFirst } from '../presentation';
import { targetIncident, type FlowContext, type IncidentArg } from './context';
import { AssignRole } from '../../core/use-cases/assign-role';

export async function takeLead(ctx: FlowContext, arg?: IncidentArg): Promise<Incident | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  // From the palette without an incident: the unacknowledged one waiting, when there is exactly one.
  const waiting = unacknowledgedFirst(ctx.store.incidents).filter(isUnacknowledged);
  const preset = arg ?? (waiting.length === 1 ? waiting[0] : undefined);
  const incident = await targetIncident(ctx, session, preset, 'Take the lead');
  if (!incident) return undefined;
  if (incident.roles[LEAD] === session.actor) {
    void ctx.prompter.info(`You already lead #${incident.number}.`);
    return incident;
  }
  const updated = await ctx.prompter.progress(`Taking the lead on #${incident.number}…`, () =>
    new AssignRole(session.service).run(incident, LEAD, session.actor),
  );
  ctx.store.upsert(updated);
  await ctx.store.setCurrent(updated);
  ctx.log.info(`took the lead on #${updated.number}`);
  void ctx.prompter.info(`You lead #${updated.number} now: ${updated.title}`, 'Post update').then((choice) => {
    if (choice) return ctx.host.execute(COMMANDS.postUpdate, updated);
    return undefined;
  });
  return updated;
}
