// "What changed" in the editor: the current incident's suspects, and Revert Suspect / Roll Back Deploy with a modal
// confirmation that names exactly what will happen, over the same use cases as the CLI. The new PR opens in the
// browser.
import { subjectOf } from '../../core/domain/suspects';
import { GitCli } from '../../core/git-cli';
import { suspectsFor, type Suspect, type SuspectsResult } from '../../core/use-cases/suspects';
import { revertFor, rollbackFor } from '../../core/use-cases/way-back';
import type { Session } from '../session';
import { targetIncident, type FlowContext, type IncidentArg } from './context';
import { ShowIncident } from '../../core/use-cases/show-incident';

/** Where the checkout is (the first workspace folder), when there is one. */
export type CheckoutRoot = string | undefined;

async function connected(
  ctx: FlowContext,
): Promise<(Session & { connection: NonNullable<Session['connection']> }) | undefined> {
  const session = await ctx.session();
  if (!session?.connection) return undefined;
  return session as Session & { connection: NonNullable<Session['connection']> };
}

/** The suspects of an incident (the current one by default), as every face computes them. */
export async function loadSuspects(
  ctx: FlowContext,
  root: CheckoutRoot,
  arg?: IncidentArg,
): Promise<SuspectsResult | undefined> {
  const session = await connected(ctx);
  if (!session) return undefined;
  const chosen = await targetIncident(ctx, session, arg, 'What changed');
  if (!chosen) return undefined;
  const incident = chosen.timelineLoaded ? chosen : await new ShowIncident(session.service).run(chosen.number);
  const suspects = suspectsFor(session.connection, root ? { local: new GitCli(root) } : {});
  return ctx.prompter.progress(`Looking for what changed before #${incident.number}…`, () =>
    suspects.run({ incident }),
  );
}

/** One line per suspect: what the tree, the language model tool and the CodeLens show. */
export function describeSuspect(suspect: Suspect, rank: number, result: SuspectsResult): string {
  const pr = suspect.pr ? ` #${suspect.pr.number}` : '';
  const deployed = result.deployed ? `, deployed ${result.deployed.deployedAt}` : '';
  return `${rank}. ${suspect.sha.slice(0, 7)}${pr} ${subjectOf(suspect.message)} by @${suspect.author}${deployed}`;
}

export function describeSuspects(result: SuspectsResult): string {
  const lines = [
    `What changed before incident #${result.incident} in ${result.environment ?? 'no environment'} ` +
      `(${result.repository}):`,
  ];
  if (result.note) lines.push(result.note);
  result.suspects.forEach((s, i) => {
    lines.push(`${describeSuspect(s, i + 1, result)} (score ${s.score}): ${s.reasons.join('; ')}`);
    if (s.pr) lines.push(`   ${s.pr.url}`);
  });
  return lines.join('\n');
}

/** Revert Suspect: picks a suspect (unless given), confirms in a modal, then reverts through a pull request. */
export async function revertSuspect(ctx: FlowContext, root: CheckoutRoot, sha?: string): Promise<void> {
  const session = await connected(ctx);
  if (!session) return;
  if (!root) {
    void ctx.prompter.warn('Open the repository checkout as a workspace folder to revert a change in it.');
    return;
  }
  const incident = await targetIncident(ctx, session, undefined, 'Revert a suspect of');
  if (!incident) return;
  const detail = incident.timelineLoaded ? incident : await new ShowIncident(session.service).run(incident.number);
  const suspects = suspectsFor(session.connection, { local: new GitCli(root) });
  let chosen = sha;
  if (!chosen) {
    const result = await ctx.prompter.progress('Looking for what changed…', () => suspects.run({ incident: detail }));
    const picked = await ctx.prompter.pick({
      title: `Revert a suspect of #${detail.number}`,
      placeholder: 'The change to revert, most suspect first',
      matchOnDetail: true,
      items: result.suspects.map((s, i) => ({
        label: `${i + 1}. ${subjectOf(s.message)}`,
        description: `${s.sha.slice(0, 7)}${s.pr ? ` #${s.pr.number}` : ''} by @${s.author}`,
        detail: s.reasons.join('; '),
        value: s.sha,
      })),
    });
    if (!picked) return;
    chosen = picked;
  }
  const revert = revertFor(session.connection, { service: session.service, checkout: root });
  const plan = await revert.plan({ incident: detail, sha: chosen, repo: suspects.repositoryFor(detail) });
  const ok = await ctx.prompter.confirm({
    message: `Revert ${plan.sha.slice(0, 7)} "${plan.subject}"?`,
    detail: revert.describe(plan),
    confirm: 'Revert',
  });
  if (!ok) return;
  const result = await ctx.prompter.progress(`Reverting ${plan.sha.slice(0, 7)}…`, () => revert.run(plan));
  ctx.log.info(`revert of ${plan.sha} on #${detail.number}: pull request #${result.pull.number}`);
  await ctx.host.openUrl(result.pull.url);
}

/** Roll Back Deploy: confirms the workflow dispatch in a modal, then runs it. */
export async function rollBackDeploy(ctx: FlowContext, root: CheckoutRoot, arg?: IncidentArg): Promise<void> {
  const session = await connected(ctx);
  if (!session) return;
  const incident = await targetIncident(ctx, session, arg, 'Roll back the deploy of');
  if (!incident) return;
  const detail = incident.timelineLoaded ? incident : await new ShowIncident(session.service).run(incident.number);
  const rollback = rollbackFor(session.connection, {
    service: session.service,
    ...(root ? { local: new GitCli(root) } : {}),
  });
  const plan = await ctx.prompter.progress('Finding the last good deploy…', () => rollback.plan({ incident: detail }));
  const ok = await ctx.prompter.confirm({
    message: `Roll back to ${plan.sha.slice(0, 7)}?`,
    detail: rollback.describe(plan),
    confirm: 'Roll Back',
  });
  if (!ok) return;
  const result = await ctx.prompter.progress(`Dispatching ${plan.workflow}…`, () => rollback.run(plan));
  await ctx.host.openUrl(result.url);
}
