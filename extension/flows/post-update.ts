// "Post Update": status milestone and text (conditions, actions, needs); resets the update countdown. Saved
// durably first like log entries, so an update written offline is posted when GitHub answers. It asks whether to
// publish the update on the status page (default from the severity's `public-by-default`); "Post Public Update"
// publishes without asking. Private incidents and drills are never offered.
import { nextUpdateDue } from '../../core/domain/cadence';
import { findSeverity } from '../../core/domain/config';
import type { Milestone } from '../../core/domain/incident';
import type { Delivery } from '../../core/use-cases/offline-queue';
import { formatTime } from '../../core/domain/render';
import { offerBreak, withTimelineOf } from './people';
import { requiredText, sessionAndIncident, type FlowContext, type IncidentArg } from './context';
import { stepsOf } from './prompter';

const MILESTONE_HINTS: Readonly<Record<Exclude<Milestone, 'declared' | 'resolved'>, string>> = {
  investigating: 'Looking for what is wrong and how to stop it',
  identified: 'The cause is known; working on a fix',
  monitoring: 'A fix or mitigation is in place; watching that it holds',
};

export interface PostUpdateOptions {
  /** Publish on the status page without asking (Post Public Update). */
  readonly public?: boolean;
}

export async function postUpdate(
  ctx: FlowContext,
  arg?: IncidentArg,
  options: PostUpdateOptions = {},
): Promise<Delivery | undefined> {
  const target = await sessionAndIncident(ctx, arg, options.public ? 'Post public update' : 'Post update');
  if (!target) return undefined;
  const { session, incident } = target;
  const publishable = !incident.private && !incident.drill && incident.request !== true;
  if (options.public && !publishable) {
    void ctx.prompter.warn(
      `#${incident.number} is ${incident.private ? 'a private incident' : incident.drill ? 'a drill' : 'a request nobody has taken yet'}; ` +
        'it is never published on the status page. Use Post Update for an internal update.',
    );
    return undefined;
  }
  const title = options.public ? `Post public update on #${incident.number}` : `Post update on #${incident.number}`;
  const firstPublication = incident.publishedAt === undefined && incident.publicTitle === undefined;
  // The publish question, and the public title when the incident is published for the first time.
  const totalSteps = 2 + (publishable && !options.public ? 1 : 0) + (options.public && firstPublication ? 1 : 0);
  const steps = stepsOf(ctx.prompter, title, totalSteps);

  const keep = Symbol('keep');
  const status = await steps.pick<Milestone | typeof keep>(1, {
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

  const text = await steps.input(2, {
    prompt: options.public
      ? 'Public update: what customers notice, what is being done and when the next update comes (customers read this)'
      : 'Update: what is happening, the impact, what is being done and what help is needed',
    placeholder: 'e.g. Checkout errors are down to 2% after the rollback; watching for 30 minutes. Need: nothing.',
    validate: requiredText('The update', 20_000, 'say the current status and impact'),
  });
  if (text === undefined) return undefined;

  let publish = options.public === true;
  if (publishable && !options.public) {
    const byDefault = findSeverity(session.config, incident.severity)?.publicByDefault === true;
    const answer = await steps.pick<boolean>(3, {
      placeholder: 'Publish this update on the public status page?',
      items: [
        { label: 'No, internal only', description: 'Only people with access to the incident see it', value: false },
        {
          label: 'Yes, publish it',
          description: 'Customers read it on the status page after its next build',
          value: true,
        },
      ],
      active: byDefault,
    });
    if (answer === undefined) return undefined;
    publish = answer;
  }
  let publicTitle: string | undefined;
  if (options.public && firstPublication) {
    publicTitle = await steps.input(3, {
      prompt: 'The title customers see (the issue title stays internal)',
      value: incident.title,
      validate: requiredText('The public title', 200, 'say in a few words what customers notice'),
    });
    if (publicTitle === undefined) return undefined;
  }

  const delivery = await ctx.prompter.progress(`Posting the update to #${incident.number}…`, () =>
    ctx.queue.submit(
      session,
      { incident },
      {
        type: 'update',
        text: text.trim(),
        ...(status !== keep ? { status } : {}),
        ...(publish ? { public: true } : {}),
        ...(publicTitle?.trim() && publicTitle.trim() !== incident.title ? { publicTitle: publicTitle.trim() } : {}),
      },
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
      `Posted the ${publish ? 'public ' : ''}update on #${incident.number}.${due ? ` Next update due ${formatTime(due.toISOString())}.` : ''}`,
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
