// "Involve Code Owners": the owners of the file in the editor (CODEOWNERS, and services in incidents.yml) are
// asked to join with one mention each in a timeline entry; people already on the incident are not pinged again.
import {
  CODEOWNERS_PATHS,
  involvementText,
  ownersFor,
  parseCodeowners,
  planInvolvement,
  servicesFor,
} from '../../core/domain/codeowners';
import type { Delivery } from '../../core/use-cases/offline-queue';
import { codeRefFor, targetIncident, type FlowContext, type IncidentArg } from './context';

export async function involveOwners(ctx: FlowContext, arg?: IncidentArg): Promise<Delivery | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const active = await ctx.code.activeCode();
  if (!active) {
    void ctx.prompter.info('Open a file (and select the lines in question) to involve the owners of that code.');
    return undefined;
  }
  const target = await targetIncident(ctx, session, arg, 'Involve code owners');
  if (!target) return undefined;
  const incident = target.timelineLoaded
    ? target
    : await ctx.prompter.progress(`Reading #${target.number}…`, () => ctx.store.loadDetail(session, target.number));

  const codeowners = await ctx.code.readRepoFile(CODEOWNERS_PATHS);
  const fromCodeowners = codeowners ? ownersFor(parseCodeowners(codeowners.text), active.path).owners : [];
  const fromServices = servicesFor(session.config, active.path).flatMap((s) => s.owners);
  const owners = [...fromCodeowners, ...fromServices];
  if (owners.length === 0) {
    void ctx.prompter.info(
      `Nobody is listed as owner of ${active.path}${codeowners ? ` in ${codeowners.path}` : ' (no CODEOWNERS file)'} or in the services of ${session.config.source}.`,
    );
    return undefined;
  }
  const plan = planInvolvement(owners, incident, session.actor);
  if (plan.people.length === 0) {
    const teams = plan.teams.length ? ` Teams to reach directly: ${plan.teams.join(', ')}.` : '';
    void ctx.prompter.info(
      `The owners of ${active.path} are already on #${incident.number}${plan.alreadyInvolved.length ? ` (@${plan.alreadyInvolved.join(', @')})` : ''}.${teams}`,
    );
    return undefined;
  }
  const people = await ctx.prompter.pickMany({
    title: `Involve the owners of ${active.path} in #${incident.number}`,
    placeholder: 'Who should be asked to join? Each is mentioned once in the timeline.',
    items: plan.people.map((login) => ({ label: login, description: 'code owner', value: login, picked: true })),
  });
  if (!people || people.length === 0) return undefined;
  const { code, warnings } = codeRefFor(session, active);
  for (const warning of warnings) void ctx.prompter.warn(warning);
  const delivery = await ctx.prompter.progress(`Asking the owners to join #${incident.number}…`, () =>
    ctx.queue.submit(
      session,
      { incident },
      {
        type: 'log',
        kind: 'action',
        text: involvementText(active.path, people, plan.teams),
        ...(code ? { code } : {}),
      },
    ),
  );
  if (delivery.status === 'delivered' && delivery.entry) ctx.store.addEntry(incident, delivery.entry);
  const asked = people.map((login) => `@${login}`).join(', ');
  if (delivery.status === 'delivered') void ctx.prompter.info(`Asked ${asked} to join #${incident.number}.`);
  else void ctx.prompter.warn(`GitHub is not answering: asking ${asked} is saved and will be posted when it answers.`);
  return delivery;
}
