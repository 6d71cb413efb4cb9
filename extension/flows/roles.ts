// "Assign Role": role, then person (assignable users of the repository, or any login); a handoff when the role
// was held, with an optional note for the person taking over.
import { normalizeLogin } from '../../core/use-cases/incident-context';
import { LEAD, type Incident } from '../../core/domain/incident';
import { InputError } from '../../core/domain/errors';
import { roleHolderText } from '../presentation';
import { capitalize, optionalText, sessionAndIncident, type FlowContext, type IncidentArg } from './context';
import { stepsOf } from './prompter';
import { AssignRole } from '../../core/use-cases/assign-role';

const SOMEONE_ELSE = '\u0000someone-else';

function loginProblem(value: string): string | undefined {
  try {
    normalizeLogin(value);
    return undefined;
  } catch (error) {
    return error instanceof InputError ? `${error.message} ${error.hint ?? ''}`.trim() : String(error);
  }
}

export async function assignRole(
  ctx: FlowContext,
  arg?: IncidentArg,
  presetRole?: string,
): Promise<Incident | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Assign role');
  if (!target) return undefined;
  const { session, incident } = target;
  const steps = stepsOf(ctx.prompter, `Assign a role on #${incident.number}`, 2);

  const role =
    presetRole && session.config.roles.some((r) => r.name === presetRole)
      ? presetRole
      : await steps.pick(1, {
          placeholder: 'Which role?',
          items: session.config.roles.map((r) => ({
            label: capitalize(r.name),
            description: roleHolderText(incident.roles[r.name]),
            detail: r.description,
            value: r.name,
          })),
          matchOnDescription: true,
        });
  if (role === undefined) return undefined;
  const holder = incident.roles[role];

  const assignable = await ctx.prompter.progress('Loading who can be assigned…', () =>
    session.gateway.listAssignable(),
  );
  const people = [...new Set([session.actor, ...assignable])];
  const picked = await steps.pick(2, {
    placeholder: holder ? `Who takes over ${role} from @${holder}?` : `Who takes the ${role} role?`,
    items: [
      ...people.map((login) => ({
        label: login,
        description: [login === session.actor ? 'you' : undefined, login === holder ? `holds ${role} now` : undefined]
          .filter(Boolean)
          .join(' · '),
        value: login,
      })),
      { label: 'Someone else…', description: 'Type a GitHub login', value: SOMEONE_ELSE },
    ],
    matchOnDescription: true,
  });
  if (picked === undefined) return undefined;
  const login =
    picked === SOMEONE_ELSE
      ? await steps.input(2, {
          prompt: `GitHub login of the new ${role}`,
          placeholder: 'e.g. octocat',
          validate: loginProblem,
        })
      : picked;
  if (login === undefined) return undefined;
  if (holder && holder.toLowerCase() === normalizeLogin(login).toLowerCase()) {
    void ctx.prompter.info(`@${holder} already holds ${role} on #${incident.number}.`);
    return incident;
  }

  let note: string | undefined;
  if (holder) {
    note = await ctx.prompter.input({
      title: `Hand over ${role} on #${incident.number}`,
      step: 3,
      totalSteps: 3,
      prompt: `Handoff note from @${holder} to @${normalizeLogin(login)} (optional: press Enter to skip)`,
      placeholder: 'e.g. Rollback done; watching error rates; next update due 11:30 UTC',
      validate: optionalText(2_000),
    });
    if (note === undefined) return undefined;
  }

  const updated = await ctx.prompter.progress(`Assigning ${role} on #${incident.number}…`, () =>
    new AssignRole(session.service).run(incident, role, login, note?.trim() || undefined),
  );
  ctx.store.upsert(updated);
  const now = updated.roles[role];
  void ctx.prompter.info(
    holder
      ? `@${holder} handed ${role} over to @${now} on #${incident.number}.`
      : `@${now} is now ${role === LEAD ? 'the lead' : role} on #${incident.number}.`,
  );
  return updated;
}
