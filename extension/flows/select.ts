// "Select Current Incident" and "Open Incident on GitHub".
import type { Incident } from '../../core/domain/incident';
import { incidentDescription } from '../presentation';
import { targetIncident, type FlowContext, type IncidentArg } from './context';
import { COMMANDS } from '../ids';
import { ShowIncident } from '../../core/use-cases/show-incident';

export async function selectIncident(ctx: FlowContext, arg?: IncidentArg): Promise<Incident | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  if (arg !== undefined) {
    const chosen =
      typeof arg === 'number' ? (ctx.store.find(arg) ?? (await new ShowIncident(session.service).run(arg))) : arg;
    await ctx.store.setCurrent(chosen);
    return chosen;
  }
  await ctx.prompter.progress('Loading active incidents…', () => ctx.store.refresh(session));
  const active = ctx.store.incidents;
  if (active.length === 0) {
    await ctx.store.setCurrent(undefined);
    void ctx.prompter
      .info(`No active incidents in ${session.repo.owner}/${session.repo.name}.`, 'Declare incident')
      .then((choice) => (choice ? ctx.host.execute(COMMANDS.declareIncident) : undefined));
    return undefined;
  }
  const now = ctx.now();
  const current = ctx.store.currentNumber;
  const none = Symbol('none');
  const picked = await ctx.prompter.pick<Incident | typeof none>({
    title: 'Select the current incident',
    placeholder: 'Commands, the status bar and update reminders use the current incident',
    items: [
      ...active.map((incident) => ({
        label: incident.title,
        description: `${incident.number === current ? 'current · ' : ''}${incidentDescription(incident, now)}`,
        ...(incident.lastUpdate ? { detail: `Last update: ${incident.lastUpdate.text.split('\n')[0] ?? ''}` } : {}),
        value: incident as Incident | typeof none,
      })),
      ...(current !== undefined
        ? [
            {
              label: 'No current incident',
              description: 'Hide the status bar item',
              value: none as Incident | typeof none,
            },
          ]
        : []),
    ],
    ...activeItem(active.find((i) => i.number === current)),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked === undefined) return undefined;
  await ctx.store.setCurrent(picked === none ? undefined : picked);
  return picked === none ? undefined : picked;
}

export async function openIncident(ctx: FlowContext, arg?: IncidentArg): Promise<Incident | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const incident = await targetIncident(ctx, session, arg, 'Open incident');
  if (incident) await ctx.host.openUrl(incident.url);
  return incident;
}

function activeItem(incident: Incident | undefined): { active?: Incident } {
  return incident ? { active: incident } : {};
}
