// "Change Severity": a severity pick (current one marked) and an optional reason; downgrading is as cheap as
// upgrading.
import { formatAge } from '../presentation';
import type { Incident } from '../../core/domain/incident';
import { optionalText, targetIncident, type FlowContext, type IncidentArg } from './context';
import { ChangeSeverity } from '../../core/use-cases/change-severity';

export async function changeSeverity(ctx: FlowContext, arg?: IncidentArg): Promise<Incident | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const incident = await targetIncident(ctx, session, arg, 'Change severity');
  if (!incident) return undefined;
  const title = `Change severity of #${incident.number}`;

  const severity = await ctx.prompter.pick({
    title,
    step: 1,
    totalSteps: 2,
    placeholder: `Severity now: ${incident.severity}`,
    items: session.config.severities.map((s) => ({
      label: s.name,
      description: [
        s.name === incident.severity ? 'current' : undefined,
        s.freeze ? 'freezes deploys' : undefined,
        `updates every ${formatAge(s.updateEveryMinutes * 60_000)}`,
      ]
        .filter(Boolean)
        .join(' · '),
      detail: s.description,
      value: s.name,
    })),
    active: incident.severity,
    matchOnDescription: true,
  });
  if (severity === undefined) return undefined;
  if (severity === incident.severity) {
    void ctx.prompter.info(`#${incident.number} is already ${severity}.`);
    return incident;
  }
  const reason = await ctx.prompter.input({
    title,
    step: 2,
    totalSteps: 2,
    prompt: `Why ${severity}? (optional: press Enter to skip)`,
    placeholder: 'e.g. About 20% of checkouts fail',
    validate: optionalText(2_000),
  });
  if (reason === undefined) return undefined;
  const updated = await ctx.prompter.progress(`Changing the severity of #${incident.number}…`, () =>
    new ChangeSeverity(session.service).run(incident, severity, reason.trim() || undefined),
  );
  ctx.store.upsert(updated);
  void ctx.prompter.info(`#${incident.number} is now ${updated.severity}.`);
  return updated;
}
