// `firebreak suspects|revert|rollback`: what changed before the incident, and a confirmed way back. Thin over the
// use cases in core/use-cases/{suspects,revert,rollback}.ts; destructive commands ask at a terminal, or need --yes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODEOWNERS_PATHS } from '../core/domain/codeowners';
import { InputError } from '../core/domain/errors';
import { subjectOf } from '../core/domain/suspects';
import { GitCli } from '../core/git-cli';
import { suspectsFor, type SuspectsResult } from '../core/use-cases/suspects';
import { revertFor, rollbackFor } from '../core/use-cases/way-back';
import { stringOption, type Command, type OptionValues, type RunContext } from './command';
import { parseIncidentRef } from './input';
import { ShowIncident } from '../core/use-cases/show-incident';

/** Exit code of a destructive command refused for want of --yes where nobody can be asked. */
const EXIT_REFUSED = 2;
const EXIT_DECLINED = 1;

async function incidentOf(ctx: RunContext, positionals: string[], usage: string) {
  const address = parseIncidentRef(positionals[0], 'incident number', usage);
  const service = await ctx.context().service(address.repo);
  return { service, incident: await new ShowIncident(service).run(address.number) };
}

/** The repository's CODEOWNERS, from where GitHub looks for it, if any. */
export function readCodeowners(root: string): string | undefined {
  for (const path of CODEOWNERS_PATHS) {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      // Not there: GitHub looks in the next place too.
    }
  }
  return undefined;
}

function suspectsUseCase(ctx: RunContext) {
  const context = ctx.context();
  const owners = readCodeowners(context.root);
  return suspectsFor(context.connection, {
    local: new GitCli(context.root),
    ...(owners !== undefined ? { codeowners: owners } : {}),
  });
}

/** Without --yes: asks at a terminal; with no terminal refuses (exit 2) before anything is read or changed. */
function mayAsk(values: OptionValues, ctx: RunContext, what: string): boolean {
  if (values.yes === true || ctx.io.confirm) return true;
  ctx.io.err(
    `firebreak: refusing to ${what} without confirmation: there is no terminal to ask at. ` +
      'Pass --yes to go ahead; nothing was changed.',
  );
  return false;
}

async function confirmed(values: OptionValues, ctx: RunContext, plan: string): Promise<boolean> {
  if (values.yes === true) return true;
  const ok = (await ctx.io.confirm?.(`${plan}\nGo ahead?`)) ?? false;
  if (!ok) ctx.io.err('Nothing was changed.');
  return ok;
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

export function describeSuspects(result: SuspectsResult): string {
  const head = `Incident #${result.incident}: what changed in ${result.environment ?? 'no environment'} (${result.repository})`;
  const deploys = [
    result.deployed ? `Deployed ${short(result.deployed.sha)} at ${result.deployed.deployedAt}` : undefined,
    result.lastGood ? `last good ${short(result.lastGood.sha)} at ${result.lastGood.deployedAt}` : undefined,
  ].filter(Boolean);
  const lines = [head, ...(deploys.length ? [deploys.join(', ')] : [])];
  if (result.note) lines.push(result.note);
  result.suspects.forEach((s, i) => {
    const pr = s.pr ? `, #${s.pr.number} "${s.pr.title}" by @${s.pr.author}` : '';
    lines.push(`${i + 1}. ${short(s.sha)} ${subjectOf(s.message)} (@${s.author}${pr}; score ${s.score})`);
    for (const reason of s.reasons) lines.push(`     ${reason}`);
  });
  return lines.join('\n');
}

export const suspectsCommand: Command = {
  name: 'suspects',
  summary: 'What changed: the deployed changes before the incident, most suspect first (reads only)',
  usage: 'firebreak suspects N|owner/name#N [--environment E] [--json]',
  options: { environment: { type: 'string' } },
  async run(values, positionals, ctx) {
    const { incident } = await incidentOf(ctx, positionals, this.usage);
    const environment = stringOption(values, 'environment');
    const result = await suspectsUseCase(ctx).run({ incident, ...(environment ? { environment } : {}) });
    ctx.io.out(ctx.json ? JSON.stringify(result, null, 2) : describeSuspects(result));
  },
};

export const revertCommand: Command = {
  name: 'revert',
  summary: 'Revert a suspect change: a branch, a pull request that mitigates the incident, a logged action',
  usage: 'firebreak revert N|owner/name#N SHA [--yes] [--json]',
  options: { yes: { type: 'boolean', short: 'y' } },
  async run(values, positionals, ctx) {
    if (!positionals[1]) throw new InputError('Name the commit to revert.', `Usage: ${this.usage}`);
    if (!mayAsk(values, ctx, 'revert')) return EXIT_REFUSED;
    const { service, incident } = await incidentOf(ctx, positionals, this.usage);
    const context = ctx.context();
    const repo = suspectsUseCase(ctx).repositoryFor(incident);
    const revert = revertFor(context.connection, { service, checkout: context.root });
    const plan = await revert.plan({ incident, sha: positionals[1], repo });
    if (!(await confirmed(values, ctx, revert.describe(plan)))) return EXIT_DECLINED;
    const result = await revert.run(plan);
    if (ctx.json) ctx.io.out(JSON.stringify({ incident: incident.number, sha: plan.sha, ...result }, null, 2));
    else
      ctx.io.out(
        result.created
          ? `Opened pull request #${result.pull.number} (${plan.title}) from ${result.branch}: ${result.pull.url}`
          : `Pull request #${result.pull.number} from ${result.branch} is open already: ${result.pull.url}`,
      );
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Roll back a deploy: dispatch deployments.rollback-workflow with ref = the last good sha, logged',
  usage: 'firebreak rollback N|owner/name#N [--to SHA] [--environment E] [--yes] [--json]',
  options: { to: { type: 'string' }, environment: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  async run(values, positionals, ctx) {
    if (!mayAsk(values, ctx, 'roll back')) return EXIT_REFUSED;
    const { service, incident } = await incidentOf(ctx, positionals, this.usage);
    const rollback = rollbackFor(ctx.context().connection, { service, suspects: suspectsUseCase(ctx) });
    const to = stringOption(values, 'to');
    const environment = stringOption(values, 'environment');
    const plan = await rollback.plan({ incident, ...(to ? { to } : {}), ...(environment ? { environment } : {}) });
    if (!(await confirmed(values, ctx, rollback.describe(plan)))) return EXIT_DECLINED;
    const result = await rollback.run(plan);
    if (ctx.json) ctx.io.out(JSON.stringify({ incident: incident.number, ...result }, null, 2));
    else ctx.io.out(`Dispatched ${result.workflow} with ref ${result.sha}: ${result.url}`);
  },
};

export const suspectsCommands: readonly Command[] = [suspectsCommand, revertCommand, rollbackCommand];
