// The one fixtures module of the test suites: the sandbox's well-known repository and tokens, the sandbox
// lifecycle (per suite or per test, with the OpenAPI check after each test), and the service builder, which wires
// the real core objects to the sandbox through core/wiring.ts exactly as the faces do.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FirebreakConfig } from '../../core/domain/config';
import { defaultConfig, parseRepo } from '../../core/domain/config';
import type { RepoRef } from '../../core/domain/incident';
import type { Renderer } from '../../core/domain/render';
import type { GitHubClient, Logger } from '../../core/github/github-client';
import type { IssueGateway } from '../../core/github/issue-gateway';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import { connect, incidentContext, type Connection } from '../../core/wiring';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { assertNoOpenApiViolations } from './openapi-violations';

/** The repository every sandbox has, with its collaborators. */
export const REPO: RepoRef = { owner: 'acme', name: 'shop' };
export const REPO_SLUG = 'acme/shop';
/** Tokens the sandbox knows: an admin (firebreak-dev), a writer (octo-lead), the workflow token (github-actions). */
export const ADMIN_TOKEN = 'sandbox-token';
export const WRITER_TOKEN = 'sandbox-token-lead';
export const ACTIONS_TOKEN = 'sandbox-actions-token';
/** Speed as configuration only: no spacing between writes and 5 ms retry backoff; everything else is the product's. */
export const FAST_CLIENT = { writeSpacingMs: 0, retryBaseMs: 5 } as const;

/** The current sandbox; callable, and with `get()` for suites that prefer to name it. */
export interface SandboxRef {
  (): Sandbox;
  get(): Sandbox;
}

export interface UseSandboxOptions extends SandboxOptions {
  /** `suite` (default): one sandbox for the calling describe; `test`: a fresh one for every test. */
  readonly per?: 'suite' | 'test';
}

/**
 * Starts a sandbox for the calling suite and checks after every passing test that each request and response
 * matched GitHub's OpenAPI description, so a client that passes here also passes against GitHub.
 */
export function useSandbox(options: UseSandboxOptions = {}): SandboxRef {
  const { per = 'suite', ...sandboxOptions } = options;
  let sandbox: Sandbox | undefined;
  const start = async () => {
    sandbox = await startSandbox(sandboxOptions);
  };
  const stop = async () => {
    const current = sandbox;
    sandbox = undefined;
    await current?.close();
  };
  if (per === 'test') beforeEach(start);
  else before(start);
  afterEach(async function () {
    const current = sandbox;
    if (current && this.currentTest?.state === 'passed') assertNoOpenApiViolations(current);
    else current?.violations.splice(0);
    if (per === 'test') await stop();
  });
  if (per === 'suite') after(stop);
  const ref = (() => {
    if (!sandbox) throw new Error('the sandbox is used outside a test of its suite');
    return sandbox;
  }) as SandboxRef;
  ref.get = ref;
  return ref;
}

export interface WiredOptions {
  readonly token?: string;
  /** The acting login (default firebreak-dev, the admin token's user). */
  readonly actor?: string;
  readonly config?: FirebreakConfig;
  readonly repo?: RepoRef | string;
  readonly templates?: Readonly<Record<string, string>>;
  readonly log?: Logger;
  readonly now?: () => Date;
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly createAttempts?: number;
  /** How long a view write is retried while GitHub fails (the product's default is 20 s). */
  readonly viewBudgetMs?: number;
}

export interface Wired {
  readonly connection: Connection;
  readonly client: GitHubClient;
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
  readonly config: FirebreakConfig;
  readonly renderer: Renderer;
  /** The incident service acting as `actor`. */
  readonly service: IncidentContext;
  /** Another service on the same connection: another actor, or a clock set in the past. */
  serviceAs(options?: { actor?: string; now?: Date | (() => Date) }): IncidentContext;
}

/** The core objects as a face builds them (core/wiring.ts), pointed at the sandbox. */
export function wired(sandbox: Sandbox, options: WiredOptions = {}): Wired {
  const repo = typeof options.repo === 'string' ? parseRepo(options.repo) : (options.repo ?? REPO);
  if (!repo) throw new Error(`not owner/name: ${String(options.repo)}`);
  const config = options.config ?? defaultConfig();
  const connection = connect(
    {
      config,
      ...(options.templates ? { templates: options.templates } : {}),
      repository: repo,
      ...(config.privateRepository ? { privateRepository: config.privateRepository } : {}),
      apiUrl: sandbox.url,
      webUrl: sandbox.webUrl,
    },
    {
      token: options.token ?? ADMIN_TOKEN,
      ...FAST_CLIENT,
      ...(options.log ? { log: options.log } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.createAttempts !== undefined ? { createAttempts: options.createAttempts } : {}),
    },
  );
  const actor = options.actor ?? 'firebreak-dev';
  const serviceAs: Wired['serviceAs'] = (o = {}) => {
    const now = o.now ?? options.now;
    return incidentContext(connection, {
      actor: o.actor ?? actor,
      ...(options.viewBudgetMs !== undefined ? { viewBudgetMs: options.viewBudgetMs } : {}),
      ...(now ? { now: typeof now === 'function' ? now : () => now } : {}),
    });
  };
  return {
    connection,
    client: connection.client,
    gateway: connection.gateway,
    ...(connection.privateGateway ? { privateGateway: connection.privateGateway } : {}),
    config,
    renderer: connection.renderer,
    service: serviceAs(),
    serviceAs,
  };
}

/** Requests the sandbox received while `fn` ran. */
export async function countRequests<T>(
  sandbox: Sandbox,
  fn: () => Promise<T>,
): Promise<{ result: T; requests: Sandbox['requests'] }> {
  const start = sandbox.requests.length;
  const result = await fn();
  return { result, requests: sandbox.requests.slice(start) };
}

export interface RunnerOptions {
  /** Action inputs (without the INPUT_ prefix); the action.yml defaults are filled in. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Files of the checkout, relative to the workspace. */
  readonly files?: Readonly<Record<string, string>>;
  readonly event?: unknown;
  readonly eventName?: string;
  readonly repo?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface Runner {
  readonly env: Record<string, string>;
  readonly workspace: string;
  readonly outputPath: string;
  readonly summaryPath: string;
}

/**
 * What a GitHub Actions runner gives a step: a workspace, an event file, output and summary files, INPUT_* (with
 * action.yml's defaults) and GITHUB_* variables pointed at the sandbox, and nothing of the test process's environment.
 */
export function actionRunner(sandbox: Sandbox, options: RunnerOptions = {}): Runner {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-action-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs: Record<string, string> = {
    'github-token': ACTIONS_TOKEN,
    'config-path': '.github/incidents.yml',
    'fail-on-freeze': 'true',
    'on-api-error': 'fail',
    bypass: 'false',
    remind: 'true',
    'api-retries': '3',
    ...options.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]),
    ),
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: options.repo ?? REPO_SLUG,
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: sandbox.url,
    GITHUB_SERVER_URL: sandbox.webUrl,
    GITHUB_WORKSPACE: workspace,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octo-lead',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: dir,
    ...options.env,
  };
  return { env, workspace, outputPath, summaryPath };
}
