// "Declare Incident" and "Start Drill": title, severity, optional description; one request; it becomes current.
import { TRIAGE, type Incident } from '../../core/domain/incident';
import { optionalText, requiredText, type FlowContext } from './context';
import { COMMANDS } from '../ids';
import { CALM_LINE, oneTeamPerIncident, preferences } from './people';
import { stepsOf } from './prompter';
import { severityItems } from './severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { RepairIncident } from '../../core/use-cases/repair-incident';

const TITLE_MAX = 200;

export async function declareIncident(
  ctx: FlowContext,
  options: { drill?: boolean } = {},
): Promise<Incident | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const drill = options.drill === true;
  const steps = stepsOf(ctx.prompter, drill ? 'Start drill' : 'Declare incident', 3);

  const name = await steps.input(1, {
    prompt: drill
      ? 'What are you practising? (the drill issue title)'
      : 'What is wrong, in a few words? (the issue title; anyone can declare)',
    placeholder: drill ? 'e.g. Checkout database fails over' : 'e.g. Checkout returns 500s',
    validate: requiredText('The title', TITLE_MAX, 'say what is wrong, e.g. "Checkout returns 500s"'),
  });
  if (name === undefined) return undefined;

  const severity = await steps.pick(2, {
    placeholder: 'How bad is it? Pick triage when you do not know yet; you can change it any time.',
    items: severityItems(session.config.severities),
    active: TRIAGE,
    matchOnDescription: true,
  });
  if (severity === undefined) return undefined;

  const description = await steps.input(3, {
    prompt: 'What is happening and who is affected? (optional: press Enter to skip)',
    placeholder: 'e.g. Payments fail for about 20% of customers since 10:02 UTC',
    validate: optionalText(20_000),
  });
  if (description === undefined) return undefined;

  // One team per incident: an active incident like this one (from the list the views keep fresh) is offered first.
  const team = await oneTeamPerIncident(ctx, session, { title: name, drill });
  if (team !== 'declare') return undefined;

  const incident = await ctx.prompter.progress(drill ? 'Starting the drill…' : 'Declaring the incident…', () =>
    new DeclareIncident(session.service).run({
      title: name,
      severity,
      ...(description.trim() ? { description } : {}),
      drill,
    }),
  );
  await ctx.store.setCurrent(incident);
  ctx.log.info(
    `declared ${drill ? 'drill ' : ''}#${incident.number} (${incident.severity}) in ${session.repo.owner}/${session.repo.name}`,
  );
  // Label colors are cosmetic: fixed in the background, once per repository.
  void new RepairIncident(session.service)
    .syncLabels(incident.repo)
    .catch((error: unknown) => ctx.log.debug(`label colors not set: ${String(error)}`));
  void ctx.prompter
    .info(
      `${drill ? 'Drill' : 'Incident'} #${incident.number} declared (${incident.severity}): ${incident.title}. It is your current incident.` +
        (preferences(ctx).declareReminder ? ` ${CALM_LINE}` : ''),
      'Open issue',
      'Log action',
    )
    .then((choice) => {
      if (choice === 'Open issue') return ctx.host.openUrl(incident.url);
      // The incident (as a tree node carries it), not its number: a number alone is looked up in the session's
      // repository, which need not be the one the incident was declared in.
      if (choice === 'Log action') return ctx.host.execute(COMMANDS.logEntry, { incident });
      return undefined;
    });
  return incident;
}
