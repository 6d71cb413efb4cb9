// Reads and checks every input and the runner's context once, into one typed object. Messages name the input and
// say what to write instead. Secrets (token, webhook URL) are masked before anything else can print them.
import * as core from '@actions/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  parseConfig,
  parseRepo,
  type FirebreakConfig,
} from '../core/domain/config';
import { InputError } from '../core/domain/errors';
import { GITHUB_API_URL } from '../core/github/github-client';
import type { RepoRef } from '../core/domain/incident';
import { TEMPLATE_NAMES } from '../core/domain/render';
import { isWebhookUrl } from '../core/chat/webhook';

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
  readonly ref?: string;
  readonly sha?: string;
  readonly workspace: string;
  readonly apiUrl: string;
  readonly serverUrl: string;
}

/**
 * Where the freeze reads its config when the run gates a change (pull_request, push, merge_group): the default
 * branch through the API, never the checkout, which holds the change itself.
 */
export interface TrustedConfigSource {
  readonly repo: RepoRef;
  readonly path: string;
  /** A commit or branch; undefined is the repository's default branch. */
  readonly ref?: string;
  /** The file in the checkout, if there is one, to tell whether the change edits it. */
  readonly checkoutText?: string;
}

/** Events that gate a change whose files are in the checkout. */
const GATED_EVENTS = new Set(['pull_request', 'pull_request_target', 'push', 'merge_group']);

export interface Inputs {
  readonly mode: Mode;
  readonly token: string;
  /** Where incidents live: the input, else the config's `repository`, else the workflow's repository. */
  readonly repository: RepoRef;
  /** The repository input, when set: it wins over whichever config is used. */
  readonly repositoryInput?: RepoRef;
  readonly config: FirebreakConfig;
  /** Set for a freeze that gates a change: `config` must then be replaced by the one read from there. */
  readonly trustedConfig?: TrustedConfigSource;
  readonly templates: Readonly<Record<string, string>>;
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

function readPayload(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const path = env['GITHUB_EVENT_PATH'];
  if (!path || !existsSync(path)) return {};
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    throw new InputError(`The event payload at GITHUB_EVENT_PATH is not JSON.`);
  }
}

export function readRunner(env: NodeJS.ProcessEnv): RunnerContext {
  const serverUrl = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
  const repository = env['GITHUB_REPOSITORY'] ? parseRepo(env['GITHUB_REPOSITORY']) : undefined;
  const runId = env['GITHUB_RUN_ID'];
  const attempt = env['GITHUB_RUN_ATTEMPT'] || '1';
  return {
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    payload: readPayload(env),
    actor: env['GITHUB_TRIGGERING_ACTOR'] || env['GITHUB_ACTOR'] || 'github-actions',
    ...(repository ? { repository } : {}),
    ...(runId && env['GITHUB_REPOSITORY']
      ? { runUrl: `${serverUrl}/${env['GITHUB_REPOSITORY']}/actions/runs/${runId}/attempts/${attempt}` }
      : {}),
    runKey: `run-${runId ?? Date.now()}-${attempt}`,
    ...(env['GITHUB_REF'] ? { ref: env['GITHUB_REF'] } : {}),
    ...(env['GITHUB_SHA'] ? { sha: env['GITHUB_SHA'] } : {}),
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    apiUrl: (env['GITHUB_API_URL'] || GITHUB_API_URL).replace(/\/+$/, ''),
    serverUrl,
  };
}

const ZERO_SHA = /^0+$/;

/**
 * Where a freeze gating this event reads its config: for a push to the default branch, the commit before the push
 * (the branch now holds the change); otherwise the default branch.
 */
export function trustedConfigSource(runner: RunnerContext, path: string): TrustedConfigSource | undefined {
  if (!GATED_EVENTS.has(runner.eventName) || !runner.repository) return undefined;
  const repository = runner.payload['repository'] as { default_branch?: unknown } | undefined;
  const defaultBranch = typeof repository?.default_branch === 'string' ? repository.default_branch : undefined;
  const before = runner.payload['before'];
  const pushToDefault =
    runner.eventName === 'push' && (defaultBranch === undefined || runner.ref === `refs/heads/${defaultBranch}`);
  const ref =
    pushToDefault && typeof before === 'string' && /^[0-9a-f]{40}$/.test(before) && !ZERO_SHA.test(before)
      ? before
      : defaultBranch;
  const file = resolve(runner.workspace, path);
  return {
    repo: runner.repository,
    path,
    ...(ref ? { ref } : {}),
    ...(existsSync(file) ? { checkoutText: readFileSync(file, 'utf8') } : {}),
  };
}

/**
 * The inputs with the config read from the trusted source (undefined: no file there, so the defaults), the incident
 * repository recomputed from it, and what to tell the user when the change under test edits the config.
 */
export function withTrustedConfig(inputs: Inputs, text: string | undefined): { inputs: Inputs; notes: string[] } {
  const source = inputs.trustedConfig;
  if (!source) return { inputs, notes: [] };
  const where = `${source.path} of ${source.repo.owner}/${source.repo.name}@${source.ref ?? 'default branch'}`;
  if (text === undefined && source.checkoutText === undefined && source.path !== DEFAULT_CONFIG_PATH) {
    throw new InputError(
      `Input config-path: ${source.path} is neither on the default branch nor in the checkout.`,
      'Fix the path, or merge the config to the default branch first: freezes read it from there.',
    );
  }
  const config = text === undefined ? defaultConfig() : parseConfig(text, where);
  const repository = inputs.repositoryInput ?? config.repository ?? inputs.runner.repository ?? inputs.repository;
  const notes =
    source.checkoutText !== undefined && source.checkoutText !== text
      ? [
          `This change edits ${source.path}: the freeze uses ${text === undefined ? 'the defaults (the file is not on the default branch)' : where}, not the checkout. The edit takes effect for freezes once it is merged.`,
        ]
      : [];
  return { inputs: { ...inputs, config, repository }, notes };
}

function loadConfig(workspace: string, path: string): FirebreakConfig {
  const file = resolve(workspace, path || DEFAULT_CONFIG_PATH);
  if (!existsSync(file)) {
    if (path && path !== DEFAULT_CONFIG_PATH) {
      throw new InputError(
        `Input config-path: ${path} does not exist in the checkout.`,
        'Check out the repository first (actions/checkout), or fix the path.',
      );
    }
    return defaultConfig();
  }
  return parseConfig(readFileSync(file, 'utf8'), path || DEFAULT_CONFIG_PATH);
}

function loadTemplates(workspace: string, config: FirebreakConfig): Record<string, string> {
  if (!config.templates) return {};
  const dir = resolve(workspace, config.templates);
  if (!existsSync(dir))
    throw new InputError(
      `The templates directory ${config.templates} (from ${config.source}) does not exist in the checkout.`,
    );
  const overrides: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.hbs$/, '');
    if (file.endsWith('.hbs') && (TEMPLATE_NAMES as readonly string[]).includes(name))
      overrides[name] = readFileSync(join(dir, file), 'utf8');
  }
  return overrides;
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

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
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
  const trustedConfig =
    mode === 'freeze' ? trustedConfigSource(runner, input('config-path') || DEFAULT_CONFIG_PATH) : undefined;
  // A freeze that gates a change never parses the change's config: run.ts reads the trusted one (withTrustedConfig).
  const config = trustedConfig ? defaultConfig() : loadConfig(runner.workspace, input('config-path'));
  const repoInput = input('repository');
  const fromInput = repoInput ? parseRepo(repoInput) : undefined;
  if (repoInput && !fromInput) throw new InputError(`Input repository must be owner/name, not "${repoInput}".`);
  const repository = fromInput ?? config.repository ?? runner.repository;
  if (!repository)
    throw new InputError(
      'No incident repository.',
      'Set the repository input (owner/name), `repository:` in the config, or run in a workflow (GITHUB_REPOSITORY).',
    );

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
    ...(fromInput ? { repositoryInput: fromInput } : {}),
    config,
    ...(trustedConfig ? { trustedConfig } : {}),
    templates: trustedConfig ? {} : loadTemplates(runner.workspace, config),
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
