// Reads and checks every input and the runner's context once, into one typed object. Messages name the input and
// say what to write instead. Secrets (token, webhook URL) are masked before anything else can print them.
import * as core from '@actions/core';
// @actions/github's runner context alone: its package entry also loads an Octokit (and undici), half a megabyte the
// Action never uses. The alias is set in tsconfig.json (types, tests) and scripts/build.mjs (the bundle).
import { Context } from '@actions/github-context';
import { DEFAULT_CONFIG_PATH, parseRepo } from '../core/domain/config';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/domain/errors';
import type { FirebreakConfig } from '../core/domain/config';
import type { RepoRef } from '../core/domain/incident';
import { isWebhookUrl } from '../core/chat/webhook';
import { loadWorkspace, nodeWorkspaceFiles } from '../core/workspace';
import { commitHotfixKey, pullHotfixKey } from '../core/use-cases/hotfix';

export const MODES = ['freeze', 'follow-ups', 'status', 'review', 'status-page', 'alert'] as const;
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
  readonly apiUrl: string;
  readonly webUrl: string;
  /** Undefined: the config's `freeze: true` severities. */
  readonly freezeSeverities?: readonly string[];
  readonly services: readonly string[];
  readonly failOnFreeze: boolean;
  readonly onApiError: 'fail' | 'allow';
  /** freeze: when the config's private-repository cannot be read, fail closed or decide without it. */
  readonly onPrivateError: 'fail' | 'warn';
  readonly bypass: boolean;
  readonly bypassReason?: string;
  /** The incident for `follow-ups`, from the input or the event; `fromEvent` when the event named it. */
  readonly incident?: { readonly number: number; readonly fromEvent: boolean; readonly labels?: readonly string[] };
  readonly remind: boolean;
  readonly summaryIssue?: number;
  readonly webhookUrl?: string;
  /** SLACK_BOT_TOKEN (and SLACK_API_URL) from the environment: `status` catches the incident channels up. */
  readonly slack?: { readonly botToken: string; readonly apiUrl?: string };
  readonly apiRetries: number;
  /**
   * freeze: the commit status `firebreak/freeze`. `sync` (issues events, or a scheduled/manual reconcile): on every
   * open pull request and the default branch, where it flips; `change` (pull_request, merge_group, push): on the
   * change's head commit; undefined: none.
   */
  readonly commitStatus?: 'sync' | 'change';
  /** freeze: only pull requests into these base branches get statuses (empty: all). */
  readonly branches: readonly string[];
  /** freeze: one budget for the whole decision (retries, hung connections, rate-limit waits), in seconds. */
  readonly timeoutSeconds: number;
  /** review: the private incident repository (from the config), read when the token can. */
  readonly privateRepository?: RepoRef;
  /** review: how far back resolved incidents count, in days. */
  readonly lookbackDays: number;
  /** review: show private incidents' titles and entries (otherwise "a private incident"). */
  readonly includePrivate: boolean;
  /** alert: the alert in the generic shape (the input, else the dispatch's client_payload or inputs). */
  readonly alert?: unknown;
  readonly runner: RunnerContext;
  /** status-page: where the site is written (relative to the workspace), its name and public URL. */
  readonly outputDir: string;
  readonly title?: string;
  readonly baseUrl?: string;
}

/** The event type of a repository_dispatch that carries an alert. */
export const ALERT_DISPATCH_TYPE = 'firebreak-alert';

/**
 * The alert of an `alert` run: the `alert` input (JSON), else a `firebreak-alert` repository_dispatch's
 * client_payload, else a workflow_dispatch's inputs; all in the generic shape `{title, fingerprint, status, ...}`.
 */
export function alertPayload(text: string, runner: RunnerContext): unknown {
  if (text) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new InputError(
        'Input alert is not JSON.',
        'Pass {"title": "...", "fingerprint": "...", "status": "firing"}, e.g. `alert: ${{ toJSON(github.event.client_payload) }}`.',
      );
    }
  }
  if (runner.eventName === 'repository_dispatch') {
    const type = runner.payload['action'];
    if (type !== ALERT_DISPATCH_TYPE)
      throw new InputError(
        `This repository_dispatch is "${String(type)}", not "${ALERT_DISPATCH_TYPE}".`,
        `Trigger the workflow with \`on: repository_dispatch: types: [${ALERT_DISPATCH_TYPE}]\`.`,
      );
    return runner.payload['client_payload'];
  }
  if (runner.eventName === 'workflow_dispatch') {
    const inputs = runner.payload['inputs'];
    if (inputs && typeof inputs === 'object') {
      // Form fields left empty are absent, not empty strings.
      return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== '' && v !== null));
    }
  }
  throw new InputError(
    'mode alert found no alert.',
    `Run it on repository_dispatch (types: [${ALERT_DISPATCH_TYPE}]) or workflow_dispatch with title, fingerprint and status inputs, or set the alert input.`,
  );
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

/** A number input within bounds (`fallback` when empty); the message names the bounds and the value given. */
function boundedNumberInput(
  name: string,
  fallback: string,
  bounds: { whole: boolean; min: number; max: number; unit?: string; hint?: string },
): number {
  const text = input(name) || fallback;
  const value = Number(text);
  const valid = bounds.whole ? Number.isInteger(value) : Number.isFinite(value);
  if (!valid || value < bounds.min || value > bounds.max) {
    const kind = `${bounds.whole ? 'a whole number' : 'a number'}${bounds.unit ? ` of ${bounds.unit}` : ''}`;
    throw new InputError(
      `Input ${name} must be ${kind} from ${bounds.min} to ${bounds.max}, not "${text}".`,
      bounds.hint,
    );
  }
  return value;
}

function listInput(name: string): string[] {
  return input(name)
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const ACTION_NAMES = { configPath: 'input config-path', repository: 'input repository', apiUrl: 'GITHUB_API_URL' };

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

/** The repository files a gated freeze reads its config from (no templates: a freeze renders none). */
export interface TrustedFiles {
  readText(path: string): Promise<string | undefined>;
}

/**
 * The inputs with the config read from the trusted source through the same loader as every face (the repository
 * input, else the trusted config's `repository`, else the workflow's repository), and what to tell the user when
 * the change under test edits the config.
 */
export async function withTrustedConfig(
  inputs: Inputs,
  files: TrustedFiles,
): Promise<{ inputs: Inputs; notes: string[] }> {
  const source = inputs.trustedConfig;
  if (!source) return { inputs, notes: [] };
  const where = `${source.path} of ${source.repo.owner}/${source.repo.name}@${source.ref ?? 'default branch'}`;
  const text = await files.readText(source.path);
  if (text === undefined && source.checkoutText === undefined && source.path !== DEFAULT_CONFIG_PATH) {
    throw new InputError(
      `Input config-path: ${source.path} is neither on the default branch nor in the checkout.`,
      'Fix the path, or merge the config to the default branch first: freezes read it from there.',
    );
  }
  const workspace = await loadWorkspace({
    files: {
      readText: async (path) => (path === source.path && text !== undefined ? text : undefined),
      listFiles: async () => undefined,
    },
    configPath: source.path,
    ...(inputs.repositoryInput ? { repository: `${inputs.repositoryInput.owner}/${inputs.repositoryInput.name}` } : {}),
    env: inputs.runner.repository
      ? { GITHUB_REPOSITORY: `${inputs.runner.repository.owner}/${inputs.runner.repository.name}` }
      : {},
    apiUrl: inputs.apiUrl,
    trustTemplates: false,
    names: ACTION_NAMES,
  });
  const config = text === undefined ? workspace.config : { ...workspace.config, source: where };
  const notes =
    source.checkoutText !== undefined && source.checkoutText !== text
      ? [
          `This change edits ${source.path}: the freeze uses ${text === undefined ? 'the defaults (the file is not on the default branch)' : where}, not the checkout. The edit takes effect for freezes once it is merged.`,
        ]
      : [];
  return { inputs: { ...inputs, config, repository: workspace.repository }, notes };
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

const RECONCILE_EVENTS = new Set(['schedule', 'workflow_dispatch', 'repository_dispatch']);

function commitStatusMode(eventName: string, setting: 'auto' | 'true' | 'false'): Inputs['commitStatus'] {
  if (setting === 'false') return undefined;
  if (eventName === 'issues') return 'sync';
  if (setting === 'auto') return undefined;
  if (RECONCILE_EVENTS.has(eventName)) return 'sync';
  return GATED_EVENTS.has(eventName) ? 'change' : undefined;
}

/** The change a gated event is about: its head commit, the text that may claim a hotfix, who made it. */
export interface ChangeInfo {
  readonly sha: string;
  readonly text: string;
  /** Who made the change: the pull request's author, the pushed head commit's author ('' when GitHub knows none). */
  readonly actor: string;
  /** The pull request's head is a fork, or not known to be this repository (GitHub sends null for a deleted fork). */
  readonly fork: boolean;
  /** A pull request link, or the commit's. */
  readonly link: string;
  /** Identifies the change, not the run: hotfix records are keyed by it. */
  readonly key: string;
  readonly ref?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

type RawBranch = { sha?: unknown; ref?: unknown; repo?: { full_name?: unknown; fork?: unknown } | null } | undefined;

/** A head that is not provably the base repository counts as a fork: its claims are nobody's to honour. */
function fromFork(head: RawBranch, base: RawBranch): boolean {
  const headRepo = head?.repo;
  if (!headRepo || headRepo.fork !== false) return true;
  const headName = str(headRepo.full_name)?.toLowerCase();
  const baseName = str(base?.repo?.full_name)?.toLowerCase();
  return !headName || !baseName || headName !== baseName;
}

export function changeOf(runner: RunnerContext): ChangeInfo | undefined {
  const p = runner.payload as Record<string, Record<string, unknown> | undefined>;
  const repo = runner.repository;
  const slug = repo ? `${repo.owner}/${repo.name}` : '';
  const pull = p['pull_request'];
  if ((runner.eventName === 'pull_request' || runner.eventName === 'pull_request_target') && pull) {
    const head = pull['head'] as RawBranch;
    const sha = str(head?.sha) ?? runner.sha;
    if (!sha) return undefined;
    const number = typeof pull['number'] === 'number' ? pull['number'] : 0;
    const ref = str(head?.ref);
    return {
      sha,
      text: `${str(pull['title']) ?? ''}\n${str(pull['body']) ?? ''}`,
      actor: str((pull['user'] as { login?: unknown } | undefined)?.login) ?? '',
      fork: fromFork(head, pull['base'] as RawBranch),
      link: str(pull['html_url']) ?? `${runner.serverUrl}/${slug}/pull/${number}`,
      key: repo ? pullHotfixKey(repo, number) : `hotfix-pr--${number}`,
      ...(ref ? { ref } : {}),
    };
  }
  const group = p['merge_group'];
  if (runner.eventName === 'merge_group' && group) {
    const sha = str(group['head_sha']);
    if (!sha) return undefined;
    const ref = str(group['head_ref']);
    return {
      sha,
      text: str((group['head_commit'] as { message?: unknown } | undefined)?.message) ?? '',
      // GitHub writes the merge group's commit; whoever queued the pull requests made the change.
      actor: runner.actor,
      fork: false,
      link: `${runner.serverUrl}/${slug}/commit/${sha}`,
      key: commitHotfixKey(sha),
      ...(ref ? { ref } : {}),
    };
  }
  if (runner.eventName === 'push' && runner.sha) {
    const commits = Array.isArray(runner.payload['commits']) ? (runner.payload['commits'] as unknown[]) : [];
    const messages = commits.map((c) => str((c as { message?: unknown }).message) ?? '');
    const headCommit = p['head_commit'] as { message?: unknown; author?: { username?: unknown } } | undefined;
    const head = str(headCommit?.message);
    return {
      sha: runner.sha,
      text: [...messages, ...(head ? [head] : [])].join('\n'),
      actor: str(headCommit?.author?.username) ?? '',
      fork: false,
      link: `${runner.serverUrl}/${slug}/commit/${runner.sha}`,
      key: commitHotfixKey(runner.sha),
      ...(runner.ref ? { ref: runner.ref } : {}),
    };
  }
  return undefined;
}

export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<Inputs> {
  const token = input('github-token');
  if (token) core.setSecret(token);
  const webhookUrl = input('webhook-url');
  if (webhookUrl) core.setSecret(webhookUrl);
  const slackToken = env['SLACK_BOT_TOKEN'];
  if (slackToken) core.setSecret(slackToken);

  const mode = input('mode');
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new InputError(
      `Input mode must be one of ${MODES.join(', ')}${mode ? `, not "${mode}"` : ''}.`,
      'Set `with: mode: freeze` (or follow-ups, status, review, status-page or alert).',
    );
  }
  if (!token)
    throw new InputError(
      'Input github-token is empty.',
      'Leave it out to use the workflow token, or pass a secret: `github-token: ${{ secrets.INCIDENTS_TOKEN }}`.',
    );

  const runner = readRunner(env);
  const configPath = input('config-path');
  const trustedConfig = mode === 'freeze' ? trustedConfigSource(runner, configPath || DEFAULT_CONFIG_PATH) : undefined;
  // A freeze that gates a change never parses the change's config: run.ts reads the trusted one (withTrustedConfig).
  const workspace = await loadWorkspace({
    ...(trustedConfig ? {} : { files: nodeWorkspaceFiles(runner.workspace) }),
    configPath,
    repository: input('repository'),
    env: { ...env, GITHUB_API_URL: runner.apiUrl, GITHUB_SERVER_URL: runner.serverUrl },
    names: ACTION_NAMES,
    where: 'in the checkout',
    missingHint: 'Check out the repository first (actions/checkout), or fix the path.',
  });
  const { config, repository } = workspace;
  const repositoryInput = input('repository') ? repository : undefined;

  const onApiError = input('on-api-error') || 'fail';
  if (onApiError !== 'fail' && onApiError !== 'allow') {
    throw new InputError(
      `Input on-api-error must be fail or allow, not "${onApiError}".`,
      'fail keeps deploys frozen when GitHub cannot be read (fail closed); allow lets them through with a warning.',
    );
  }
  const onPrivateError = input('on-private-error') || 'fail';
  if (onPrivateError !== 'fail' && onPrivateError !== 'warn') {
    throw new InputError(
      `Input on-private-error must be fail or warn, not "${onPrivateError}".`,
      'fail keeps deploys frozen when the private incident repository cannot be read; warn decides from the public incidents with a warning.',
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
  const apiRetries = boundedNumberInput('api-retries', '3', { whole: true, min: 0, max: 10 });
  const commitStatusText = input('commit-status') || 'auto';
  if (!['auto', 'true', 'false'].includes(commitStatusText))
    throw new InputError(
      `Input commit-status must be auto, true or false, not "${commitStatusText}".`,
      'auto sets firebreak/freeze on every open pull request on issues events; true also on the change of pull_request, merge_group and push events, and on scheduled or manual runs.',
    );
  const commitStatus = commitStatusMode(runner.eventName, commitStatusText as 'auto' | 'true' | 'false');
  const timeoutSeconds = boundedNumberInput('timeout-seconds', '20', {
    whole: false,
    min: 1,
    max: 600,
    unit: 'seconds',
    hint: 'It bounds the whole freeze decision; past it the gate fails closed (or passes with on-api-error: allow).',
  });
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
  const lookbackDays = boundedNumberInput('lookback-days', '365', {
    whole: true,
    min: 1,
    max: 3650,
    unit: 'days',
    hint: 'Resolved incidents older than this are left out of reviews; the default is 365.',
  });
  const freezeSeverities = listInput('freeze-severities');
  const summaryIssue = issueNumberInput('summary-issue');
  const outputDir = input('output-dir') || 'status-page';
  if (isAbsolute(outputDir) || outputDir.split(/[\\/]+/).includes('..') || /^\.?\/?$/.test(outputDir))
    throw new InputError(
      `Input output-dir must be a directory inside the workspace, not "${outputDir}".`,
      'Use a relative path such as status-page (the default); its contents are replaced on every run.',
    );
  const baseUrl = input('base-url').trim();
  if (baseUrl && !/^https?:\/\/[^\s]+$/.test(baseUrl))
    throw new InputError(
      `Input base-url must be an http(s) URL, not "${baseUrl}".`,
      'Use the address the site is served from, e.g. ${{ steps.pages.outputs.base_url }} from actions/configure-pages.',
    );
  const title = input('title').trim();
  const alert = mode === 'alert' ? alertPayload(input('alert'), runner) : undefined;
  return {
    mode: mode as Mode,
    token,
    repository,
    config,
    ...(trustedConfig ? { trustedConfig } : {}),
    ...(repositoryInput ? { repositoryInput } : {}),
    templates: workspace.templates,
    webUrl: workspace.webUrl,
    apiUrl: workspace.apiUrl,
    ...(freezeSeverities.length > 0 ? { freezeSeverities } : {}),
    services: listInput('service'),
    failOnFreeze: booleanInput('fail-on-freeze', true),
    onApiError,
    onPrivateError,
    bypass,
    ...(bypassReason ? { bypassReason } : {}),
    ...(incident ? { incident } : {}),
    remind: booleanInput('remind', true),
    ...(summaryIssue !== undefined ? { summaryIssue } : {}),
    ...(webhookUrl ? { webhookUrl } : {}),
    ...(slackToken
      ? { slack: { botToken: slackToken, ...(env['SLACK_API_URL'] ? { apiUrl: env['SLACK_API_URL'] } : {}) } }
      : {}),
    apiRetries,
    timeoutSeconds,
    ...(workspace.privateRepository ? { privateRepository: workspace.privateRepository } : {}),
    lookbackDays,
    includePrivate: booleanInput('include-private', false),
    ...(alert !== undefined ? { alert } : {}),
    ...(mode === 'freeze' && commitStatus ? { commitStatus } : {}),
    branches: listInput('branches'),
    runner,
    outputDir,
    ...(title ? { title } : {}),
    ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
  };
}
