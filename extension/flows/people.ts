// The human side in the editor: Call a Break, the break suggestion once the impact stops, the comms nudge for the
// lead, one team per incident before declaring, and Skip Retro. Suggestions and nudges show once per incident.
import { LEAD, repoSlug, type Incident } from '../../core/domain/incident';
import { breakSuggested, commsNudgeDue, COMMS_ROLE, DEFAULT_BREAK_MINUTES } from '../../core/domain/people';
import { similarIncidents, similarityReason, type DraftIncident } from '../../core/domain/similar';
import type { TimelineEntry } from '../../core/domain/incident';
import type { Session } from '../session';
import { COMMANDS } from '../ids';
import { optionalText, requiredText, sessionAndIncident, type FlowContext, type IncidentArg } from './context';
import { stepsOf } from './prompter';
import { CallBreak } from '../../core/use-cases/call-break';
import { Retro } from '../../core/use-cases/retro';

/** The settings that turn the human-side prompts off (`firebreak.suggestBreaks`, ...). */
export interface PeoplePreferences {
  readonly suggestBreaks: boolean;
  readonly declareReminder: boolean;
  readonly commsNudges: boolean;
}

export const ALL_PEOPLE_PROMPTS: PeoplePreferences = { suggestBreaks: true, declareReminder: true, commsNudges: true };

export const CALM_LINE =
  'Take a breath: you declared, so help is coming. Stop the bleeding first, then find the cause.';
export const BREAK_LINE = 'Impact has stopped. Take 15 minutes before the follow-up work.';

export function preferences(ctx: FlowContext): PeoplePreferences {
  return ctx.preferences?.() ?? ALL_PEOPLE_PROMPTS;
}

/** "Call a Break": a `break` entry with its length and who called it. */
export async function callBreak(ctx: FlowContext, arg?: IncidentArg): Promise<TimelineEntry | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Call a break');
  if (!target) return undefined;
  const { session, incident } = target;
  const steps = stepsOf(ctx.prompter, `Call a break on #${incident.number}`, 2);
  const minutes = await steps.pick<number>(1, {
    placeholder: 'How long? The whole team steps away; the timeline and the retro show it.',
    items: [10, 15, 20, 30].map((m) => ({ label: `${m} minutes`, value: m })),
    active: DEFAULT_BREAK_MINUTES,
  });
  if (minutes === undefined) return undefined;
  const note = await steps.input(2, {
    prompt: 'A note for the team (optional: press Enter to skip)',
    placeholder: 'e.g. Back at 11:20; @octo-lead watches the dashboards',
    validate: optionalText(2_000),
  });
  if (note === undefined) return undefined;
  const entry = await ctx.prompter.progress(`Calling a break on #${incident.number}…`, () =>
    new CallBreak(session.service).run(incident, { minutes, ...(note.trim() ? { text: note.trim() } : {}) }),
  );
  ctx.store.addEntry(incident, entry);
  void ctx.prompter.info(`Break of ${minutes} minutes recorded on #${incident.number}. Step away from the screen.`);
  return entry;
}

/** "Skip Retro": a `retro` entry saying why no retro is held; clears the retro reminder. */
export async function skipRetro(ctx: FlowContext, arg?: IncidentArg): Promise<TimelineEntry | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const number = typeof arg === 'object' ? arg.number : arg;
  const incident = number !== undefined ? number : ctx.store.current?.number;
  if (incident === undefined) return undefined;
  const why = await ctx.prompter.input({
    title: `Skip the retro of #${incident}`,
    prompt: 'Why is no retro needed?',
    placeholder: 'e.g. False alarm: nothing broke',
    validate: requiredText('The reason', 2_000, 'say why, so the next person knows'),
  });
  if (why === undefined) return undefined;
  const entry = await ctx.prompter.progress(`Recording on #${incident}…`, () =>
    new Retro(session.service).skip(incident, why),
  );
  ctx.store.settleRetro(incident);
  return entry;
}

/**
 * Before declaring: active incidents that look like this one, from the list the store keeps fresh (no request).
 * `declare` to go on, `joined` when the person joined one (it is current, and Log Entry opens), undefined on cancel.
 */
export async function oneTeamPerIncident(
  ctx: FlowContext,
  session: Session,
  draft: DraftIncident,
): Promise<'declare' | 'joined' | undefined> {
  const listed = ctx.store.repo === repoSlug(session.repo) ? ctx.store.incidents : [];
  const candidates = similarIncidents(draft, listed);
  if (candidates.length === 0) return 'declare';
  const choice = await ctx.prompter.pick<Incident | 'declare'>({
    title: 'This may be an incident that is already being handled',
    placeholder: 'One team per incident: join it and log what you see, or declare anyway',
    items: [
      ...candidates.map((c) => ({
        label: `Join #${c.incident.number}`,
        description: c.incident.title,
        detail: `${c.incident.severity} · lead @${c.incident.roles[LEAD] ?? c.incident.declaredBy} · ${similarityReason(c)}`,
        value: c.incident as Incident | 'declare',
      })),
      { label: 'Declare anyway', description: 'a separate incident', value: 'declare' as const },
    ],
  });
  if (choice === undefined) return undefined;
  if (choice === 'declare') return 'declare';
  await ctx.store.setCurrent(choice);
  void ctx.host.execute(COMMANDS.logEntry, { incident: choice, kind: 'observation' });
  return 'joined';
}

/**
 * The changed incident with the timeline known before the change, plus the change itself (by `actor`, now): what
 * the break suggestion reads when the result of a change carries no timeline.
 */
export function withTimelineOf(changed: Incident, before: Incident, now: Date, actor: string): Incident {
  if (changed.timelineLoaded) return changed;
  const own = { kind: 'update' as const, key: `local-${now.getTime()}`, at: now.toISOString(), by: actor, text: '' };
  return { ...changed, timeline: [...before.timeline, own], timelineLoaded: before.timelineLoaded };
}

/** Suggests a break once per incident to whoever logged in the last hour, when the impact has stopped. */
export async function offerBreak(ctx: FlowContext, session: Session, incident: Incident): Promise<boolean> {
  if (!preferences(ctx).suggestBreaks || !incident.timelineLoaded) return false;
  if (!breakSuggested(incident, session.service.actor, ctx.now())) return false;
  if (!(await ctx.store.once(`break:${repoSlug(incident.repo)}#${incident.number}`))) return false;
  void ctx.prompter.info(`#${incident.number}: ${BREAK_LINE}`, 'Call a break').then((choice) => {
    if (choice) return ctx.host.execute(COMMANDS.callBreak, incident);
    return undefined;
  });
  return true;
}

/** Nudges the lead, once per incident, to name a comms lead (see commsNudgeAt in core/domain/people.ts). */
export async function nudgeComms(ctx: FlowContext, session: Session, incidents: readonly Incident[]): Promise<number> {
  if (!preferences(ctx).commsNudges) return 0;
  let shown = 0;
  const me = session.service.actor.toLowerCase();
  for (const incident of incidents) {
    if ((incident.roles[LEAD] ?? '').toLowerCase() !== me) continue;
    if (!commsNudgeDue(incident, session.config, ctx.now())) continue;
    if (!(await ctx.store.once(`comms:${repoSlug(incident.repo)}#${incident.number}`))) continue;
    shown++;
    void ctx.prompter
      .warn(
        `#${incident.number} (${incident.severity}) has no ${COMMS_ROLE} lead yet. Ask someone to keep stakeholders ` +
          'informed, so you can focus on the incident.',
        'Assign comms',
      )
      .then((choice) => {
        if (choice) return ctx.host.execute(COMMANDS.assignRole, incident, COMMS_ROLE);
        return undefined;
      });
  }
  return shown;
}
