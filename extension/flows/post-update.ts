// "Post Update": status milestone and text (conditions, actions, needs); resets the update countdown. Saved
// durably first like log entries, so an update written offline is posted when GitHub answers.
import { nextUpdateDue } from '../../core/domain/cadence';
import type { Milestone } from '../../core/domain/incident';
import type { Delivery } from '../../core/use-cases/offline-queue';
import { formatTime } from '../../core/domain/render';
import { offerBreak, withTimelineOf } from './people';
import { requiredText, targetIncident, type FlowContext, type IncidentArg } from './context';

const MILESTONE_HINTS: Readonly<Record<Exclude<Milestone, 'declared' | 'resolved'>, string>> = {
  investigating: 'Looking for what is wrong and how to stop it',
  identified: 'The cause is known; working on a fix',
  monitoring: 'A fix or mitigation is in place; watching that it holds',
};

export async function postUpdate(ctx: FlowContext, arg?: IncidentArg): Promise<Delivery | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const incident = await targetIncident(ctx, session, arg, 'Post update');
  if (!incident) return undefined;
  const title = `Post update on #${incident.number}`;

  const keep = Symbol('keep');
  const status = await ctx.prompter.pick<Milestone | typeof keep>({
    title,
    step: 1,
    totalSteps: 2,
    placeholder: `Status now: ${incident.status}. Where does the incident stand?`,
    items: [
      { label: `Keep: ${incident.status}`, description: 'No change of status', value: keep },
      ...(Object.keys(MILESTONE_HINTS) as (keyof typeof MILESTONE_HINTS)[]).map((m) => ({
        label: m,
        description: MILESTONE_HINTS[m],
        value: m,
      })),
    ],
    active: keep,
    matchOnDescription: true,
  });
  if (status === undefined) return undefined;

  const text = await ctx.prompter.input({
    title,
    step: 2,
    totalSteps: 2,
    prompt: 'Update: what is happening, the impact, what is being done and what help is needed',
    placeholder: 'e.g. Checkout errors are down to 2% after the rollback; watching for 30 minutes. Need: nothing.',
    validate: requiredText('The update', 20_000, 'say the current status and impact'),
  });
  if (text === undefined) return undefined;

  const delivery = await ctx.prompter.progress(`Posting the update to #${incident.number}…`, () =>
    ctx.queue.submit(
      session,
      { incident },
      { type: 'update', text: text.trim(), ...(status !== keep ? { status } : {}) },
    ),
  );
  if (delivery.status === 'delivered') {
    const updated = delivery.incident;
    const before = ctx.store.detail(incident.number) ?? incident;
    if (updated) ctx.store.upsert(updated);
    // The impact stopped (monitoring or resolved): suggest a break to whoever was busy, once.
    if (updated) void offerBreak(ctx, session, withTimelineOf(updated, before, ctx.now(), session.service.actor));
    const due = updated ? nextUpdateDue(updated, session.config) : undefined;
    void ctx.prompter.info(
      `Posted the update on #${incident.number}.${due ? ` Next update due ${formatTime(due.toISOString())}.` : ''}`,
    );
  } else if (delivery.status === 'queued') {
    void ctx.prompter.warn(
      `GitHub is not answering: the update is saved and will be posted to #${incident.number} when it answers.`,
    );
  } else {
    void ctx.prompter.warn(`GitHub did not take the update on #${incident.number}: ${delivery.reason}`);
  }
  return delivery;
}
