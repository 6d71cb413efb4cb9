// `firebreak freeze|follow-ups|summary`: the Action's three use cases from a terminal, thin wrappers over the core.
import { InputError } from '../core/domain/errors';
import { FollowUps, renderFollowUpReport } from '../core/use-cases/follow-ups';
import { Freeze } from '../core/use-cases/freeze';
import { commitHotfixKey } from '../core/use-cases/hotfix';
import type { RepoRef } from '../core/domain/incident';
import { renderFreezeReport, freezingOutputs, summarizeIncident } from '../core/use-cases/freeze-report';
import { Status } from '../core/use-cases/status';
import { postWebhook, statusMessage } from '../core/chat/webhook';
import { stringOption, type Command, type OptionValues } from './command';
import { headCommit } from './git';
import { parseIncidentRef, parseIssueNumber } from './input';

/** Exit code of `firebreak freeze` while deploys are frozen, so scripts can gate on it. */
const EXIT_FROZEN = 1;

function commaList(values: OptionValues, name: string): string[] | undefined {
  const raw = values[name];
  const items = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/**
 * `--hotfix N`: this deploy fixes incident N, so N's freeze does not stop it. Recorded on N as a `hotfix` entry by
 * the signed-in user, for the checked-out commit (once per commit and incident).
 */
async function cliHotfix(
  numbers: number[],
  cwd: string,
  context: { readonly gateway: { readonly repo: RepoRef }; service(): Promise<{ actor: string }> },
  now: Date,
) {
  const actor = (await context.service()).actor;
  const sha = headCommit(cwd);
  return {
    numbers,
    actor,
    // The hotfix lane's one rule: honoured when the signed-in user may push to the incident repository.
    repo: context.gateway.repo,
    change: sha ? `commit ${sha}` : 'a deploy from the command line',
    key: sha ? commitHotfixKey(sha) : `hotfix-cli-${now.getTime()}`,
    ...(sha ? { sha } : {}),
  };
}

export const freezeCommand: Command = {
  name: 'freeze',
  summary: 'Check whether active incidents freeze deploys (exit 1 while frozen); --bypass records a bypass',
  usage:
    'firebreak freeze [--service NAME|PATH]... [--severities a,b] [--bypass --reason TEXT] [--hotfix N]... [--on-private-error fail|warn]',
  options: {
    hotfix: { type: 'string', multiple: true },
    service: { type: 'string', multiple: true },
    'on-private-error': { type: 'string' },
    severities: { type: 'string' },
    bypass: { type: 'boolean' },
    reason: { type: 'string' },
  },
  async run(values, _positionals, ctx) {
    const context = ctx.context();
    const reason = stringOption(values, 'reason');
    if (values['bypass'] === true && !reason?.trim()) {
      throw new InputError(
        '--bypass needs --reason.',
        'Say why this deploy cannot wait; the reason is recorded on every freezing incident.',
      );
    }
    const onPrivateError = stringOption(values, 'on-private-error') ?? 'fail';
    if (onPrivateError !== 'fail' && onPrivateError !== 'warn')
      throw new InputError(
        `--on-private-error must be fail or warn, not "${onPrivateError}".`,
        'fail stops when the private incident repository cannot be read; warn decides from the public incidents.',
      );
    const hotfix = (commaList(values, 'hotfix') ?? []).map((v) => parseIssueNumber(v, '--hotfix', this.usage));
    const now = new Date();
    const severities = commaList(values, 'severities');
    const services = commaList(values, 'service');
    const { decision, bypass, hotfixed } = await new Freeze({
      gateway: context.gateway,
      ...(context.privateGateway ? { privateGateway: context.privateGateway } : {}),
      config: context.config,
      // One Authority per command (until the Connection carries one).
      authority: context.connection.authority,
      service: () => context.service(),
    }).run({
      ...(severities ? { severities } : {}),
      ...(services ? { services } : {}),
      onPrivateError,
      now,
      ...(hotfix.length > 0 ? { hotfix: await cliHotfix(hotfix, ctx.cwd, context, now) } : {}),
      ...(values['bypass'] === true && reason ? { bypass: { reason, key: `bypass-cli-${now.getTime()}` } } : {}),
    });
    if (decision.privateWarning) ctx.log.warn(decision.privateWarning);
    if (ctx.json) {
      ctx.io.out(
        JSON.stringify({
          frozen: decision.frozen,
          bypassed: bypass !== undefined,
          hotfixed: (hotfixed ?? []).map((h) => h.incident.number),
          incidents: [
            ...decision.freezing.map((i) => summarizeIncident(i, now)),
            ...freezingOutputs(decision, now).filter((o) => 'private' in o),
          ],
        }),
      );
    } else {
      ctx.io.out(
        renderFreezeReport({
          decision,
          now,
          bypassHint:
            'Run `firebreak freeze --bypass --reason "why this cannot wait"`; the bypass is recorded on every incident above. ' +
            'A deploy that fixes an incident passes its freeze with `--hotfix N` (recorded on it).',
          ...(bypass ? { bypass } : {}),
          ...(hotfixed ? { hotfixed } : {}),
        }),
      );
    }
    return decision.frozen && !bypass ? EXIT_FROZEN : 0;
  },
};

export const followUpsCommand: Command = {
  name: 'follow-ups',
  summary: "Open follow-up issues for an incident retro's unchecked action items (idempotent)",
  usage: 'firebreak follow-ups N|owner/name#N [--dry-run]',
  options: { 'dry-run': { type: 'boolean' } },
  async run(values, positionals, ctx) {
    const { repo, number } = parseIncidentRef(positionals[0], 'incident number', this.usage);
    const context = ctx.context();
    const dryRun = values['dry-run'] === true;
    // Writing needs a token; service() says how to get one.
    if (!dryRun) await context.service(repo);
    const result = await new FollowUps({
      gateway: context.gatewayFor(repo),
      config: context.config,
      renderer: context.renderer,
      authority: context.connection.authority,
    }).run(number, { dryRun });
    if (ctx.json) {
      ctx.io.out(
        JSON.stringify({
          created: result.created,
          existing: result.existing,
          duplicatesClosed: result.duplicatesClosed,
          problems: result.problems,
          warnings: result.warnings,
        }),
      );
    } else {
      ctx.io.out(renderFollowUpReport(result));
    }
    result.warnings.forEach((w) => ctx.log.warn(w));
  },
};

export const statusCommand: Command = {
  name: 'status',
  aliases: ['summary'],
  summary:
    "Status of active incidents and metrics (the Action's status mode); optionally remind overdue ones, keep a digest issue, post to a webhook",
  usage: 'firebreak status [--remind] [--summary-issue N] [--webhook-url URL (or FIREBREAK_WEBHOOK_URL)]',
  options: {
    remind: { type: 'boolean' },
    'summary-issue': { type: 'string' },
    'webhook-url': { type: 'string' },
  },
  async run(values, _positionals, ctx) {
    const context = ctx.context();
    const remind = values['remind'] === true;
    const issueText = stringOption(values, 'summary-issue');
    const summaryIssue =
      issueText !== undefined ? parseIssueNumber(issueText, '--summary-issue', this.usage) : undefined;
    if (remind || summaryIssue !== undefined) await context.service();
    const result = await new Status({
      gateway: context.gateway,
      config: context.config,
      renderer: context.renderer,
      authority: context.connection.authority,
    }).run({
      remind,
      ...(summaryIssue !== undefined ? { summaryIssue } : {}),
    });
    const webhook = stringOption(values, 'webhook-url') ?? ctx.env['FIREBREAK_WEBHOOK_URL'];
    if (webhook) await postWebhook(webhook, statusMessage(result.active));
    if (ctx.json)
      ctx.io.out(
        JSON.stringify({
          active: result.active,
          metrics: result.metrics,
          reminders: result.reminders,
          summaryIssue: result.summaryIssue,
        }),
      );
    else ctx.io.out(result.markdown);
    result.warnings.forEach((w) => ctx.log.warn(w));
  },
};

export const actionCommands: readonly Command[] = [freezeCommand, followUpsCommand, statusCommand];
