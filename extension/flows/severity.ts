// "Change Severity": a severity pick (current one marked) and an optional reason; downgrading is as cheap as
// upgrading.
import { formatAge } from '../presentation';
import type { Incident } from '../../core/domain/incident';
import type { SeverityConfig } from '../../core/domain/config';
import { optionalText, sessionAndIncident, type FlowContext, type IncidentArg } from './context';
import { stepsOf, type PickItem } from './prompter';
import { ChangeSeverity } from '../../core/use-cases/change-severity';

/** The severities to pick from, each with what it sets in motion; `current` marks the incident's own. */
export function severityItems(severities: readonly SeverityConfig[], current?: string): PickItem<string>[] {
  return severities.map((s) => ({
    label: s.name,
    description: [
      s.name === current ? 'current' : undefined,
      s.freeze ? 'freezes deploys' : undefined,
      `updates every ${formatAge(s.updateEveryMinutes * 60_000)}`,
    ]
      .filter(Boolean)
      .join(' · '),
    detail: s.description,
    value: s.name,
  }));
}

export async function changeSeverity(ctx: FlowContext, arg?: IncidentArg): Promise<Incident | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Change severity');
  if (!target) return undefined;
  const { session, incident } = target;
  const steps = stepsOf(ctx.prompter, `Change severity of #${incident.number}`, 2);

  const severity = await steps.pick(1, {
    placeholder: `Severity now: ${incident.severity}`,
    items: severityItems(session.config.severities, incident.severity),
    active: incident.severity,
    matchOnDescription: true,
  });
  if (severity === undefined) return undefined;
  if (severity === incident.severity) {
    void ctx.prompter.info(`#${incident.number} is already ${severity}.`);
    return incident;
  }
  const reason = await steps.input(2, {
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
