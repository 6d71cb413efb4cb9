// The Action's work: reads the inputs, runs one core use case (freeze, follow-ups, status, ...), and writes the
// outputs and the job summary. Failures are thrown to main.ts, the one place that fails the step.
import * as core from '@actions/core';
import { describeError, FirebreakError, GitHubError } from '../core/domain/errors';
import { FollowUps, renderFollowUpReport } from '../core/use-cases/follow-ups';
import { Freeze, type FreezeOutcome } from '../core/use-cases/freeze';
import { PrivateIncidentsUnreadable, readFreezeIssues } from '../core/use-cases/freeze-decision';
import { freezingList, freezingOutputs, renderFreezeReport, summarizeIncident } from '../core/use-cases/freeze-report';
import { timeBudget, type Logger } from '../core/github/github-client';
import { nodeFetchAsFetch } from '../core/github/node-fetch';
import { readRepoFile } from '../core/github/repo-files';
import { repoSlug } from '../core/domain/incident';
import { incidentFromIssue } from '../core/domain/issue-view';
import { trustForIssue } from '../core/use-cases/writers';
import {
  alertIntake,
  connect,
  incidentHistory,
  incidentContext,
  type Connection,
  type WiringWorkspace,
} from '../core/wiring';
import { Status } from '../core/use-cases/status';
import { userLine } from '../core/domain/markdown';
import { publishStatusPage } from '../core/status-site';
import { normaliseAlerts } from '../core/alerts/normalise';
import { postWebhook, statusMessage, type IncidentEvent } from '../core/chat/webhook';
import { catchUpChannels, slackChannel } from '../core/chat/channel-wiring';
import { GitCli } from '../core/git-cli';
import { renderReviewReport, reviewNotice, reviewOutput } from '../core/use-cases/incident-history';
import { changeOf, eventIssue, readInputs, withTrustedConfig, type ChangeInfo, type Inputs } from './inputs';
import { OctokitCommitStatusGateway } from '../core/github/commit-statuses';
import { FREEZE_CONTEXT, setChangeStatus, syncFreezeStatuses } from '../core/use-cases/freeze-statuses';

/** A deliberate failure of the step (e.g. frozen), as opposed to an error. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
}

/** The one message for a failed step: what went wrong and what to do, never a token or a stack. */
export function formatError(error: unknown): string {
  if (error instanceof StepFailure || error instanceof FirebreakError) return describeError(error);
  return `Firebreak failed unexpectedly: ${describeError(error)}. Re-run with debug logging (ACTIONS_STEP_DEBUG) and report it if it persists.`;
}

const log: Logger = { debug: (m) => core.debug(m), info: (m) => core.info(m), warn: (m) => core.warning(m) };

function workspaceOf(inputs: Inputs): WiringWorkspace {
  return {
    config: inputs.config,
    templates: inputs.templates,
    repository: inputs.repository,
    ...(inputs.config.privateRepository ? { privateRepository: inputs.config.privateRepository } : {}),
    apiUrl: inputs.apiUrl,
    webUrl: inputs.webUrl,
  };
}

function wire(inputs: Inputs, options: { budget?: boolean } = {}): Connection {
  return connect(workspaceOf(inputs), {
    token: inputs.token,
    log,
    retries: inputs.apiRetries,
    userAgent: 'firebreak-action',
    // node:http instead of the global fetch: a quarter of a second less on every cold start (see node-fetch.ts).
    fetch: nodeFetchAsFetch,
    // A freeze decides within one budget, from now: reading the config, the incidents, every retry and wait.
    ...(inputs.mode === 'freeze' && options.budget !== false
      ? { budget: timeBudget(inputs.timeoutSeconds * 1000) }
      : {}),
  });
}

/**
 * Where commit statuses go: the workflow's repository, through a client of its own without the decision's time
 * budget (writes are spaced a second apart, as GitHub asks; a sync of hundreds of pull requests takes minutes).
 */
function statusGateway(inputs: Inputs): OctokitCommitStatusGateway {
  return new OctokitCommitStatusGateway(
    inputs.runner.repository ?? inputs.repository,
    wire(inputs, { budget: false }).client,
  );
}

/** One Authority per run (until the Connection carries one): GitHub's permission, asked once per person. */
/**
 * `commit-status` on an issues event (or a reconcile run): flip `firebreak/freeze` where it differs from the decision
 * now. The event only says "look again": GitHub may have dropped, reordered or repeated the others of its burst.
 */
async function syncStatuses(inputs: Inputs, connection: Connection): Promise<void> {
  const now = new Date();
  const options = {
    ...(inputs.freezeSeverities ? { severities: inputs.freezeSeverities } : {}),
    services: inputs.services,
    now,
  };
  const read = await readFreezeIssues(connection.gateway, inputs.config, {
    ...options,
    ...(connection.privateGateway ? { privateGateway: connection.privateGateway } : {}),
    onPrivateError: inputs.onPrivateError,
    authority: connection.authority,
  });
  const repository = inputs.runner.payload['repository'] as { default_branch?: unknown } | undefined;
  const defaultBranch = typeof repository?.default_branch === 'string' ? repository.default_branch : undefined;
  const result = await syncFreezeStatuses(statusGateway(inputs), {
    config: inputs.config,
    read,
    options,
    authority: connection.authority,
    service: async () => incidentContext(connection, { actor: inputs.runner.actor }),
    // A run without an issues event (schedule, dispatch) reads every pull request's status: the reconcile.
    reconcile: inputs.runner.eventName !== 'issues',
    now,
    branches: inputs.branches,
    ...(defaultBranch ? { defaultBranch } : {}),
    ...(inputs.runner.runUrl ? { targetUrl: inputs.runner.runUrl } : {}),
  });
  const { decision } = result;
  if (decision.privateWarning) core.warning(decision.privateWarning);
  core.setOutput('frozen', String(decision.frozen));
  core.setOutput('bypassed', 'false');
  core.setOutput('incidents', JSON.stringify(freezingOutputs(decision, now)));
  const flipped = result.written.map((w) => `${w.target} → ${w.state}`);
  const report = renderFreezeReport({
    decision,
    now,
    bypassHint:
      'A pull request that fixes the incident passes with `Fixes incident #N` in its description, when its author ' +
      'has push access and its branch is not a fork.',
  });
  await writeSummary(
    `${report}\n### Commit statuses (\`${FREEZE_CONTEXT}\`)\n\n` +
      (result.pulls === undefined
        ? 'Nothing changed since the last decision (the status of the default branch records it); nothing written.\n'
        : `${result.written.length} changed${flipped.length > 0 ? `: ${flipped.join(', ')}` : ''}; ${result.unchanged} already right; ` +
          `${result.pulls} open pull request${result.pulls === 1 ? '' : 's'}${inputs.branches.length > 0 ? ` into ${inputs.branches.join(', ')}` : ''}.\n`),
  );
  core.info(
    result.pulls === undefined
      ? 'firebreak/freeze: the decision is the one recorded on the default branch; nothing to change.'
      : `firebreak/freeze: ${result.written.length} status(es) changed, ${result.unchanged} unchanged (${result.pulls} open pull requests).`,
  );
}

/**
 * A freeze that gates a change reads its config from the default branch (see inputs.ts): the change under test
 * cannot switch its own freeze off. The incident repository may come from that config, so the gateway may change.
 */
async function trustedFreeze(
  inputs: Inputs,
  connection: Connection,
): Promise<{ inputs: Inputs; connection: Connection; notes: string[] }> {
  const source = inputs.trustedConfig;
  if (!source) return { inputs, connection, notes: [] };
  // Read before the list, not with it: with the rate limit exhausted, two requests in flight would both be refused
  // (the list depends on the config's repository and label anyway).
  const trusted = await withTrustedConfig(inputs, {
    readText: (path) => readRepoFile(connection.client, source.repo, path, source.ref),
  });
  const from =
    trusted.inputs.config.source === 'defaults'
      ? `defaults (no ${source.path} on the default branch)`
      : trusted.inputs.config.source;
  core.info(`Firebreak freeze for ${repoSlug(trusted.inputs.repository)} (config: ${from})`);
  // The same client (its rate-limit state and ETags), the trusted config and repository.
  return { ...trusted, connection: connect(workspaceOf(trusted.inputs), { client: connection.client }) };
}

async function writeSummary(markdown: string): Promise<void> {
  core.setOutput('summary', markdown);
  // Outside a runner (or with summaries disabled) there is no file to write to.
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  await core.summary.addRaw(markdown, true).write();
}

export async function runAction(): Promise<void> {
  const inputs = await readInputs();
  const wiring = wire(inputs);
  if (!inputs.trustedConfig)
    core.info(`Firebreak ${inputs.mode} for ${repoSlug(inputs.repository)} (config: ${inputs.config.source})`);
  return RUNS[inputs.mode](inputs, wiring);
}

/** What each mode runs (a Record, so a new mode without its run does not compile). */
const RUNS: Readonly<Record<Inputs['mode'], (inputs: Inputs, connection: Connection) => Promise<void>>> = {
  freeze,
  'follow-ups': followUps,
  status,
  review,
  'status-page': statusPage,
  alert,
};

async function statusPage(inputs: Inputs, connection: Connection): Promise<void> {
  const result = await publishStatusPage(connection, {
    root: inputs.runner.workspace,
    outDir: inputs.outputDir,
    ...(inputs.title ? { title: inputs.title } : {}),
    ...(inputs.baseUrl ? { baseUrl: inputs.baseUrl } : {}),
  });
  result.warnings.forEach((w) => core.warning(w));
  core.setOutput('status', result.indicator);
  const { model } = result;
  const active = model.incidents.filter((i) => i.status !== 'resolved');
  await writeSummary(
    [
      `## Status page: ${userLine(model.status.description, 200)}`,
      '',
      `${result.files.length} files written to \`${inputs.outputDir}\` (indicator \`${result.indicator}\`).`,
      '',
      ...(model.components.length > 0
        ? [
            '| Component | Status |',
            '|---|---|',
            ...model.components.map((c) => `| ${userLine(c.name, 120).replace(/\|/g, '\\|')} | ${c.status} |`),
            '',
          ]
        : []),
      `${active.length} active public incident(s), ${model.incidents.length} published in the last 90 days, ` +
        `${model.scheduledMaintenances.filter((m) => m.status !== 'completed').length} scheduled maintenance(s).`,
      '',
    ].join('\n'),
  );
  core.info(`Status page written to ${result.outDir}: ${model.status.description}.`);
}

/** Who an alert run acts as: the workflow token's bot, which holds the lead until a person takes it. */
const ALERT_ACTOR = 'github-actions[bot]';

/** `mode: alert`: the same use case as `firebreak serve`, for teams without a server. */
async function alert(inputs: Inputs, connection: Connection): Promise<void> {
  const alerts = normaliseAlerts('generic', inputs.alert);
  const intake = alertIntake(connection, ALERT_ACTOR);
  const [outcome] = await intake.receiveAll(alerts);
  if (!outcome) return;
  core.setOutput('alert-result', outcome.result);
  if (outcome.number !== undefined) core.setOutput('incident', String(outcome.number));
  const said: Record<string, string> = {
    declared: 'declared',
    repeat: 'already open for this alert; nothing written',
    observed: 'the change of state is recorded',
    resolved: 'resolved (auto-resolve)',
    attached: 'attached as an observation',
    duplicate: 'already declared by another run',
    ignored: `ignored (${outcome.reason ?? 'route'})`,
  };
  const where = outcome.url ? ` [#${outcome.number}](${outcome.url})` : '';
  core.info(
    `Alert ${outcome.alert}: ${said[outcome.result] ?? outcome.result}${outcome.number ? ` #${outcome.number}` : ''}`,
  );
  await writeSummary(`### Firebreak alert\n\nIncident${where}: ${said[outcome.result] ?? outcome.result}.\n`);
}

const BYPASS_HINT = [
  'Run the workflow again with the bypass inputs set, for example from a `workflow_dispatch` form:',
  '',
  '```yaml',
  '- uses: firebreak/firebreak/action@v1',
  '  with:',
  '    mode: freeze',
  '    bypass: true',
  '    bypass-reason: "Hotfix for the incident itself"',
  '```',
  '',
  'The bypass is recorded on every incident above with who deployed, the run link and the reason.',
  '',
  "A change that fixes an incident passes that incident's freeze with `Fixes incident #N` (or `Mitigates incident #N`) in its pull request title, description or commit message, when its author has push access and its branch is not a fork; it is recorded on the incident.",
].join('\n');

function hotfixOf(change: ChangeInfo | undefined, inputs: Inputs) {
  if (!change) return {};
  const { runner } = inputs;
  return {
    hotfix: {
      text: change.text,
      actor: change.actor,
      fork: change.fork,
      // The change's repository: its author's push access there is what the hotfix lane asks.
      repo: runner.repository ?? inputs.repository,
      change: change.link,
      key: change.key,
      sha: change.sha,
      ...(change.ref ? { ref: change.ref } : {}),
      ...(runner.runUrl ? { runUrl: runner.runUrl } : {}),
    },
  };
}

async function freeze(given: Inputs, wiring: Connection): Promise<void> {
  if (given.commitStatus === 'sync') return syncStatuses(given, wiring);
  const now = new Date();
  const { runner } = given;
  const change = changeOf(runner);
  let inputs = given;
  let notes: string[] = [];
  let outcome: FreezeOutcome;
  try {
    let connection: Connection;
    ({ inputs, connection, notes } = await trustedFreeze(given, wiring));
    notes.forEach((note) => core.warning(note, { title: 'Freeze config changed in this change' }));
    outcome = await new Freeze({
      gateway: connection.gateway,
      ...(connection.privateGateway ? { privateGateway: connection.privateGateway } : {}),
      config: inputs.config,
      authority: connection.authority,
      service: async () => incidentContext(connection, { actor: runner.actor }),
    }).run({
      ...(inputs.freezeSeverities ? { severities: inputs.freezeSeverities } : {}),
      services: inputs.services,
      onPrivateError: inputs.onPrivateError,
      now,
      ...hotfixOf(change, inputs),
      ...(inputs.bypass && inputs.bypassReason
        ? {
            bypass: {
              actor: runner.actor,
              reason: inputs.bypassReason,
              key: `bypass-${runner.runKey}`,
              ...(runner.runUrl ? { runUrl: runner.runUrl } : {}),
              ...(runner.ref ? { ref: runner.ref } : {}),
              ...(runner.sha ? { sha: runner.sha } : {}),
            },
          }
        : {}),
    });
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error;
    // A private repository the token cannot read is on-private-error's (fail closed by default), not on-api-error's.
    const allow = inputs.onApiError === 'allow' && !(error instanceof PrivateIncidentsUnreadable);
    core.setOutput('frozen', allow ? 'false' : 'true');
    core.setOutput('bypassed', 'false');
    core.setOutput('incidents', '[]');
    await writeSummary(
      [
        `## ${allow ? '⚠️ Freeze not checked: deploy allowed' : '🧊 Freeze not checked: deploy stopped'}`,
        '',
        `Firebreak could not read the incidents in ${repoSlug(inputs.repository)}: ${describeError(error).replace(/\n/g, ' ')}`,
        '',
        error instanceof PrivateIncidentsUnreadable
          ? 'The workflow sets `on-private-error: fail` (the default), so the deploy stops (fail closed). Give it a token that can read the private repository, or set `on-private-error: warn`.'
          : allow
            ? 'The workflow sets `on-api-error: allow`, so the deploy goes ahead (fail open). Check the incidents by hand.'
            : 'The workflow sets `on-api-error: fail` (the default), so the deploy stops (fail closed). Re-run when GitHub answers again, or set `on-api-error: allow` to fail open.',
        '',
      ].join('\n'),
    );
    if (allow) {
      core.warning(
        `Could not check the deploy freeze; allowing the deploy (on-api-error: allow). ${describeError(error)}`,
      );
      return;
    }
    throw new GitHubError(
      error.code,
      `Could not check the deploy freeze, so the deploy stops (on-api-error: fail). ${error.message}`,
      error.status,
      error.hint,
    );
  }

  const { decision, bypass, hotfixed } = outcome;
  if (decision.privateWarning) core.warning(decision.privateWarning);
  if (inputs.commitStatus === 'change' && change) {
    const status = await setChangeStatus(statusGateway(inputs), outcome.checked, {
      sha: change.sha,
      hotfixed: hotfixed ?? [],
      ...(runner.runUrl ? { targetUrl: runner.runUrl } : {}),
    });
    core.info(`${FREEZE_CONTEXT} on ${change.sha.slice(0, 7)}: ${status.state} (${status.description}).`);
  }
  if (hotfixed)
    core.notice(
      `Hotfix lane: this change ${hotfixed.map((h) => `${h.verb} #${h.incident.number}`).join(', ')}, so that freeze does not stop it (recorded on the incident).`,
    );
  core.setOutput('frozen', String(decision.frozen));
  core.setOutput('bypassed', String(bypass !== undefined));
  core.setOutput('incidents', JSON.stringify(freezingOutputs(decision, now)));
  const report = renderFreezeReport({
    decision,
    now,
    bypassHint: BYPASS_HINT,
    ...(bypass ? { bypass } : {}),
    ...(hotfixed ? { hotfixed } : {}),
  });
  await writeSummary(notes.length > 0 ? `${report}\n${notes.map((n) => `> ⚠️ ${n}`).join('\n')}\n` : report);

  const list = freezingList(decision, now);
  if (!decision.frozen) {
    core.info('Deploys are not frozen.');
    if (inputs.bypass) core.info('bypass is set, but there is no freeze to bypass; nothing was recorded.');
  } else if (bypass) {
    core.warning(`Deploy freeze bypassed by @${bypass.actor}: ${list}. Recorded on ${bypass.recorded} incident(s).`);
  } else if (inputs.failOnFreeze) {
    throw new StepFailure(
      `Deploys are frozen by ${list}. See the job summary for the incidents and how to bypass (bypass: true with a bypass-reason).`,
    );
  } else {
    core.warning(`Deploys are frozen by ${list} (fail-on-freeze is false, so this step passes).`);
  }
}

async function followUps(inputs: Inputs, { gateway, renderer, authority }: Connection): Promise<void> {
  const incident = inputs.incident;
  if (!incident) return;
  if (incident.fromEvent && incident.labels && !incident.labels.includes(inputs.config.labels.incident)) {
    core.notice(
      `#${incident.number} is not an incident (no "${inputs.config.labels.incident}" label); no follow-ups to create.`,
    );
    core.setOutput('created', '[]');
    return;
  }
  const result = await new FollowUps({ gateway, config: inputs.config, renderer, authority }).run(
    incident.number,
    inputs.runner.jobKey ? { runKey: inputs.runner.jobKey } : {},
  );
  for (const problem of result.problems) {
    core.warning(
      `Action item not tracked (${problem.source}, line ${problem.line}): ${problem.message}\n  ${problem.text}`,
      { title: 'Malformed action item' },
    );
  }
  result.warnings.forEach((w) => core.warning(w));
  core.setOutput('created', JSON.stringify(result.created.map((c) => c.number)));
  await writeSummary(renderFollowUpReport(result));
  core.info(
    `Follow-ups for #${incident.number}: ${result.created.length} created, ${result.existing.length} already tracked, ${result.problems.length} line(s) need fixing.`,
  );
}

function incidentEvent(inputs: Inputs): IncidentEvent | undefined {
  const issue = eventIssue(inputs.runner);
  if (inputs.runner.eventName !== 'issues' || !issue || !issue.labels.includes(inputs.config.labels.incident))
    return undefined;
  if (
    issue.action === 'opened' ||
    (issue.action === 'labeled' &&
      (inputs.runner.payload['label'] as { name?: string } | undefined)?.name === inputs.config.labels.incident)
  )
    return 'declared';
  if (issue.action === 'closed') return 'resolved';
  if (issue.action === 'reopened') return 'reopened';
  return undefined;
}

const PEOPLE_REMINDER_NAMES = {
  comms: 'comms lead nudge',
  'retro-due': 'retro due',
  'retro-overdue': 'retro overdue',
  similar: 'similar incidents',
} as const;

async function status(inputs: Inputs, connection: Connection): Promise<void> {
  const { gateway, renderer, authority } = connection;
  const declared = incidentEvent(inputs) === 'declared' ? eventIssue(inputs.runner) : undefined;
  const result = await new Status({ gateway, config: inputs.config, renderer, authority }).run({
    remind: inputs.remind,
    ...(inputs.summaryIssue !== undefined ? { summaryIssue: inputs.summaryIssue } : {}),
    // A declaration (from the issue form) is compared with the active incidents: one team per incident.
    ...(declared ? { similarFor: declared.number } : {}),
  });
  result.warnings.forEach((w) => core.warning(w));
  core.setOutput(
    'incidents',
    JSON.stringify(
      result.active.map(({ number, title, severity, url, lead, age }) => ({ number, title, severity, url, lead, age })),
    ),
  );
  const posted = result.reminders.filter((r) => r.posted);
  const lines = [result.markdown.trimEnd()];
  if (posted.length > 0)
    lines.push('', `Reminded ${posted.map((r) => `[#${r.number}](${r.url})`).join(', ')}: update overdue.`);
  const people = result.people.reminders.filter((r) => r.posted);
  if (people.length > 0)
    lines.push(
      '',
      `Also posted: ${people.map((r) => `[#${r.number} ${PEOPLE_REMINDER_NAMES[r.kind]}](${r.url})`).join(', ')}.`,
    );
  if (result.summaryIssue)
    lines.push('', `Digest kept in [#${result.summaryIssue.number}](${result.summaryIssue.url}).`);
  await writeSummary(`${lines.join('\n')}\n`);

  if (inputs.webhookUrl) {
    const kind = incidentEvent(inputs);
    const issue = kind ? eventIssue(inputs.runner) : undefined;
    // News only: a declare, resolve or reopen, or a scheduled/manual digest while incidents are active. Other issue
    // events (label edits as an incident changes) and quiet schedules post nothing.
    if (kind || (inputs.runner.eventName !== 'issues' && result.active.length > 0)) {
      let event: Parameters<typeof statusMessage>[1];
      if (kind && issue) {
        const record = await gateway.getIssue(issue.number);
        event = {
          kind,
          incident: summarizeIncident(
            incidentFromIssue(
              { repo: gateway.repo, issue: record, config: inputs.config },
              await trustForIssue(authority, gateway.repo, record),
            ),
            new Date(),
          ),
        };
      }
      await postWebhook(inputs.webhookUrl, statusMessage(result.active, event));
      core.info('Posted the status to the webhook.');
    }
  }
  if (inputs.slack) {
    // The catch-up of the incident channels: what webhooks to `firebreak serve` missed, and overdue reminders.
    const channel = slackChannel(connection, inputs.runner.actor, inputs.slack);
    const chatPosts = await catchUpChannels(
      channel,
      result.active.map((i) => i.number),
    );
    chatPosts.failures.forEach((f) => core.warning(`Slack: #${f.number}: ${f.error}`));
    core.info(`Slack: ${chatPosts.posted} message(s) posted to incident channels.`);
  }
  core.info(`${result.active.length} active incident(s); ${posted.length} reminder(s) posted.`);
}

/** GitHub shows at most this many notices of a step; the job summary lists every incident. */
const MAX_NOTICES = 10;

/**
 * Past incidents in a pull request: notices on the changed lines that incident entries pointed at, a job summary and
 * the `incidents` output. It informs and never fails the step: what it cannot read becomes a warning.
 */
async function review(inputs: Inputs, connection: Connection): Promise<void> {
  core.setOutput('incidents', '[]');
  const pull = inputs.runner.payload['pull_request'] as
    { base?: { sha?: unknown }; head?: { sha?: unknown } } | undefined;
  const base = pull?.base?.sha;
  const head = pull?.head?.sha;
  if (typeof base !== 'string' || typeof head !== 'string') {
    core.warning(
      `mode: review runs on pull_request events (this is ${inputs.runner.eventName || 'no event'}); nothing to review.`,
    );
    return;
  }
  const history = incidentHistory(connection, {
    git: new GitCli(inputs.runner.workspace),
    ...(inputs.runner.repository ? { codeRepo: inputs.runner.repository } : {}),
  });
  let result;
  try {
    result = await history.review(base, head, { lookbackDays: inputs.lookbackDays, includePrivate: true });
  } catch (error) {
    core.warning(`Could not look for past incidents in this change: ${describeError(error)}`);
    return;
  }
  history.notes.forEach((note) => core.info(note));
  result.annotations.slice(0, MAX_NOTICES).forEach((annotation) => {
    const { title, message } = reviewNotice(annotation, inputs.includePrivate);
    core.notice(message, {
      title,
      file: annotation.path,
      startLine: annotation.startLine,
      endLine: annotation.endLine,
    });
  });
  if (result.annotations.length > MAX_NOTICES)
    core.info(`${result.annotations.length - MAX_NOTICES} more place(s) are listed in the job summary.`);
  core.setOutput('incidents', JSON.stringify(reviewOutput(result, inputs.includePrivate)));
  await writeSummary(renderReviewReport(result, { includePrivate: inputs.includePrivate }));
  core.info(
    `${result.incidents.length} past incident(s) touch ${result.annotations.length} place(s) in this change ` +
      `(compared with ${result.base.slice(0, 12)}).`,
  );
}
