// Reads and checks every input and the runner's context once, into one typed object. Messages name the input and
// say what to write instead. Secrets (token, webhook URL) are masked before anything else can print them.
import * as core from '@actions/core';
// @actions/github's runner context alone: its package entry also loads an Octokit (and undici), half a megabyte the
// Action never uses. The alias is set in tsconfig.json (types, tests) and scripts/build.mjs (the bundle).
import { Context } from '@actions/github-context';
import { parseRepo } from '../core/domain/config';
import { InputError } from '../core/domain/errors';
import type { FirebreakConfig } from '../core/domain/config';
import type { RepoRef } from '../core/domain/incident';
import { isWebhookUrl } from '../core/chat/webhook';
import { loadWorkspace, nodeWorkspaceFiles } from '../core/workspace';

export const MODES = ['freeze', 'follow-ups', 'status'] as const;
export type Mode = (typeof MODES)[number];

/** What the runner tells the step about the run (environment variables and the event payload). */
export interface RunnerContext {
  readonly eventName: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Login of whoever triggered the run. */
  readonly actor: string;
  /** owner/name of the repository the workflow runs in. */
  readonly repository?: RepoRef;
  readonly runUrl?: string;
  readonly runKey: string;
  /** The workflow run and job, the same in every attempt: a re-run takes up what its failed attempt left. */
  readonly jobKey?: string;
  readonly ref?: string;
  readonly sha?: string;
  readonly workspace: string;
  readonly apiUrl: string;
  readonly serverUrl: string;
}

export interface Inputs {
  readonly mode: Mode;
  readonly token: string;
  /** Where incidents live: the input, else the config's `repository`, else the workflow's repository. */
  readonly repository: RepoRef;
  readonly config: FirebreakConfig;
  readonly templates: Readonly<Record<string, string>>;
  readonly apiUrl: string;
  readonly webUrl: string;
  /** Undefined: the config's `freeze: true` severities. */
  readonly freezeSeverities?: readonly string[];
  readonly services: readonly string[];
  readonly failOnFreeze: boolean;
  readonly onApiError: 'fail' | 'allow';
  readonly bypass: boolean;
  readonly bypassReason?: string;
  /** The incident for `follow-ups`, from the input or the event; `fromEvent` when the event named it. */
  readonly incident?: { readonly number: number; readonly fromEvent: boolean; readonly labels?: readonly string[] };
  readonly remind: boolean;
  readonly summaryIssue?: number;
  readonly webhookUrl?: string;
  readonly apiRetries: number;
  readonly runner: RunnerContext;
}

function input(name: string): string {
  return core.getInput(name);
}

function booleanInput(name: string, fallback: boolean): boolean {
  const value = input(name);
  if (value === '') return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(`Input ${name} must be true or false, not "${value}".`);
}

function issueNumberInput(name: string): number | undefined {
  const value = input(name).replace(/^#/, '');
  if (value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new InputError(`Input ${name} must be an issue number like 42, not "${input(name)}".`);
  return number;
}

function listInput(name: string): string[] {
  return input(name)
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The run as the runner describes it, through @actions/github's context (plus what that context leaves out). */
export function readRunner(env: NodeJS.ProcessEnv = process.env): RunnerContext {
  let context: Context;
  try {
    context = new Context();
  } catch {
    throw new InputError('The event payload at GITHUB_EVENT_PATH is not JSON.');
  }
  const serverUrl = context.serverUrl.replace(/\/+$/, '');
  const slug = env['GITHUB_REPOSITORY'];
  const repository = slug ? parseRepo(slug) : undefined;
  const attempt = Number.isInteger(context.runAttempt) && context.runAttempt > 0 ? context.runAttempt : 1;
  return {
    eventName: context.eventName ?? '',
    payload: (context.payload ?? {}) as Readonly<Record<string, unknown>>,
    actor: env['GITHUB_TRIGGERING_ACTOR'] || context.actor || 'github-actions',
    ...(repository ? { repository } : {}),
    ...(context.runId && slug
      ? { runUrl: `${serverUrl}/${slug}/actions/runs/${context.runId}/attempts/${attempt}` }
      : {}),
    runKey: `run-${context.runId || Date.now()}-${attempt}`,
    ...(context.runId ? { jobKey: `run-${context.runId}${context.job ? `-${context.job}` : ''}` } : {}),
    ...(context.ref ? { ref: context.ref } : {}),
    ...(context.sha ? { sha: context.sha } : {}),
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    apiUrl: context.apiUrl.replace(/\/+$/, ''),
    serverUrl,
  };
}

function sameRepo(a: RepoRef | undefined, b: RepoRef): boolean {
  return (
    a !== undefined && a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase()
  );
}

/** The issue the event is about (issues, issue_comment), if it is an issue and not a pull request. */
export function eventIssue(runner: RunnerContext): { number: number; labels: string[]; action: string } | undefined {
  const issue = runner.payload['issue'] as { number?: unknown; labels?: unknown; pull_request?: unknown } | undefined;
  if (!issue || typeof issue.number !== 'number' || issue.pull_request) return undefined;
  const labels = Array.isArray(issue.labels)
    ? issue.labels
        .map((l: unknown) =>
          typeof l === 'string'
            ? l
            : typeof (l as { name?: unknown }).name === 'string'
              ? (l as { name: string }).name
              : '',
        )
        .filter(Boolean)
    : [];
  return {
    number: issue.number,
    labels,
    action: typeof runner.payload['action'] === 'string' ? runner.payload['action'] : '',
  };
}

export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<Inputs> {
  const token = input('github-token');
  if (token) core.setSecret(token);
  const webhookUrl = input('webhook-url');
  if (webhookUrl) core.setSecret(webhookUrl);

  const mode = input('mode');
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new InputError(
      `Input mode must be one of ${MODES.join(', ')}${mode ? `, not "${mode}"` : ''}.`,
      'Set `with: mode: freeze` (or follow-ups, or status).',
    );
  }
  if (!token)
    throw new InputError(
      'Input github-token is empty.',
      'Leave it out to use the workflow token, or pass a secret: `github-token: ${{ secrets.INCIDENTS_TOKEN }}`.',
    );

  const runner = readRunner(env);
  const workspace = await loadWorkspace({
    files: nodeWorkspaceFiles(runner.workspace),
    configPath: input('config-path'),
    repository: input('repository'),
    env: { ...env, GITHUB_API_URL: runner.apiUrl, GITHUB_SERVER_URL: runner.serverUrl },
    names: { configPath: 'input config-path', repository: 'input repository', apiUrl: 'GITHUB_API_URL' },
    where: 'in the checkout',
    missingHint: 'Check out the repository first (actions/checkout), or fix the path.',
  });
  const { config, repository } = workspace;

  const onApiError = input('on-api-error') || 'fail';
  if (onApiError !== 'fail' && onApiError !== 'allow') {
    throw new InputError(
      `Input on-api-error must be fail or allow, not "${onApiError}".`,
      'fail keeps deploys frozen when GitHub cannot be read (fail closed); allow lets them through with a warning.',
    );
  }
  const bypass = booleanInput('bypass', false);
  const bypassReason = input('bypass-reason');
  if (bypass && !bypassReason) {
    throw new InputError(
      'Input bypass is true but bypass-reason is empty.',
      'Say why this deploy cannot wait (bypass-reason), e.g. "hotfix for the incident itself"; it is recorded on every freezing incident.',
    );
  }
  const retriesText = input('api-retries') || '3';
  const apiRetries = Number(retriesText);
  if (!Number.isInteger(apiRetries) || apiRetries < 0 || apiRetries > 10)
    throw new InputError(`Input api-retries must be a whole number from 0 to 10, not "${retriesText}".`);
  if (webhookUrl && !isWebhookUrl(webhookUrl)) {
    throw new InputError(
      'Input webhook-url is not an https URL.',
      'Pass the incoming-webhook URL from a secret: `webhook-url: ${{ secrets.INCIDENT_WEBHOOK }}`.',
    );
  }

  let incident: Inputs['incident'];
  const incidentInput = issueNumberInput('incident');
  const fromEvent = eventIssue(runner);
  if (incidentInput !== undefined) incident = { number: incidentInput, fromEvent: false };
  else if (fromEvent && sameRepo(runner.repository, repository))
    incident = { number: fromEvent.number, fromEvent: true, labels: fromEvent.labels };
  if (mode === 'follow-ups' && !incident) {
    throw new InputError(
      'Input incident is empty and the event names no issue of the incident repository.',
      'Run follow-ups on `issues` or `issue_comment` events, or set `incident: 42` (e.g. from a workflow_dispatch input).',
    );
  }
  const freezeSeverities = listInput('freeze-severities');
  const summaryIssue = issueNumberInput('summary-issue');
  return {
    mode: mode as Mode,
    token,
    repository,
    config,
    templates: workspace.templates,
    webUrl: workspace.webUrl,
    apiUrl: workspace.apiUrl,
    ...(freezeSeverities.length > 0 ? { freezeSeverities } : {}),
    services: listInput('service'),
    failOnFreeze: booleanInput('fail-on-freeze', true),
    onApiError,
    bypass,
    ...(bypassReason ? { bypassReason } : {}),
    ...(incident ? { incident } : {}),
    remind: booleanInput('remind', true),
    ...(summaryIssue !== undefined ? { summaryIssue } : {}),
    ...(webhookUrl ? { webhookUrl } : {}),
    apiRetries,
    runner,
  };
}
