// "Start Retro": the retro document (template, timeline from the log, follow-up checklist) opens as a Markdown
// draft; "Post Retro" adds the edited draft to the incident's timeline.
import { InputError } from '../../core/domain/errors';
import type { TimelineEntry } from '../../core/domain/incident';
import { sessionAndIncident, targetIncident, type FlowContext, type IncidentArg } from './context';
import { COMMANDS } from '../ids';
import { Retro } from '../../core/use-cases/retro';

export async function startRetro(ctx: FlowContext, arg?: IncidentArg): Promise<string | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Start retro');
  if (!target) return undefined;
  const { session, incident } = target;
  const markdown = await ctx.prompter.progress(`Drafting the retro of #${incident.number}…`, () =>
    new Retro(session.service).draft(incident.number),
  );
  await ctx.host.openMarkdown(markdown);
  void ctx.prompter
    .info(
      `Retro draft for #${incident.number} opened. Fill it in (blameless), then post it to the incident.`,
      'Post retro',
    )
    .then((choice) => (choice ? ctx.host.execute(COMMANDS.postRetro) : undefined));
  return markdown;
}

/** The incident a retro draft belongs to: the issue link in its header table. */
export function retroIncidentNumber(markdown: string): number | undefined {
  const match = /\/issues\/(\d+)\b/.exec(markdown);
  return match ? Number(match[1]) : undefined;
}

export async function postRetro(ctx: FlowContext, markdown: string | undefined): Promise<TimelineEntry | undefined> {
  if (!markdown?.trim()) {
    throw new InputError(
      'There is no retro draft to post.',
      'Run "Firebreak: Start Retro", edit the draft, and run "Firebreak: Post Retro" with the draft in the active editor.',
    );
  }
  const session = await ctx.session();
  if (!session) return undefined;
  const number = retroIncidentNumber(markdown);
  const incident = await targetIncident(ctx, session, number, 'Post retro');
  if (!incident) return undefined;
  const confirmed = await ctx.prompter.confirm({
    message: `Post this retro to #${incident.number}?`,
    detail: 'It is added to the incident timeline as a comment; unchecked action items can become follow-up issues.',
    confirm: 'Post retro',
  });
  if (!confirmed) return undefined;
  const entry = await ctx.prompter.progress(`Posting the retro to #${incident.number}…`, () =>
    new Retro(session.service).post(incident, markdown),
  );
  ctx.store.settleRetro(incident.number);
  void ctx.prompter
    .info(`Posted the retro to #${incident.number}.`, 'Open issue')
    .then((choice) => (choice && entry.url ? ctx.host.openUrl(entry.url) : undefined));
  return entry;
}
