// "Resolve Incident": the final update, then the issue is closed; offers to start the retro.
import type { Incident } from '../../core/domain/incident';
import { offerBreak, withTimelineOf } from './people';
import { requiredText, sessionAndIncident, type FlowContext, type IncidentArg } from './context';
import { COMMANDS } from '../ids';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

export async function resolveIncident(ctx: FlowContext, arg?: IncidentArg): Promise<Incident | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Resolve incident');
  if (!target) return undefined;
  const { session, incident } = target;

  const text = await ctx.prompter.input({
    title: `Resolve #${incident.number}`,
    step: 1,
    totalSteps: 1,
    prompt: 'Final update: what fixed it, and the impact in one or two sentences',
    placeholder: 'e.g. Rolled back the 10:00 deploy; checkout failed for ~20% of customers for 35 minutes',
    validate: requiredText('The final update', 20_000, 'people read it first, so say what fixed it'),
  });
  if (text === undefined) return undefined;

  const before = ctx.store.detail(incident.number) ?? incident;
  const resolved = await ctx.prompter.progress(`Resolving #${incident.number}…`, () =>
    new ResolveIncident(session.service).run(incident, text.trim()),
  );
  ctx.store.upsert(resolved);
  void offerBreak(ctx, session, withTimelineOf(resolved, before, ctx.now(), session.service.actor));
  ctx.log.info(`resolved #${resolved.number}`);
  void ctx.prompter
    .info(`Resolved #${resolved.number} and closed the issue.`, 'Start retro', 'Open issue')
    .then((choice) => {
      if (choice === 'Start retro') return ctx.host.execute(COMMANDS.startRetro, resolved.number);
      if (choice === 'Open issue') return ctx.host.openUrl(resolved.url);
      return undefined;
    });
  return resolved;
}
