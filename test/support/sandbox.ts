// Starts a sandbox for a test suite and fails the suite if any request or response strayed from GitHub's
// OpenAPI description, so a client that passes here also passes against GitHub.
import assert from 'node:assert/strict';
import { defaultConfig, type FirebreakConfig } from '../../core/domain/config';
import { createGitHubClient, type Logger } from '../../core/github/github-client';
import { IncidentService } from '../../core/use-cases/incident-service';
import type { RepoRef } from '../../core/domain/incident';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';
import { createRenderer } from '../../core/domain/render';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';

export const ADMIN_TOKEN = 'sandbox-token';
export const REPO: RepoRef = { owner: 'acme', name: 'shop' };

export interface SandboxHandle {
  readonly sandbox: Sandbox;
}

/** A sandbox shared by the tests of one `describe`; checked against the OpenAPI description after each test. */
export function useSandbox(options: SandboxOptions = {}): { get(): Sandbox } {
  let sandbox: Sandbox | undefined;
  before(async () => {
    sandbox = await startSandbox(options);
  });
  afterEach(() => {
    const violations = sandbox?.violations.splice(0) ?? [];
    assert.deepEqual(violations, [], "every request and response matches GitHub's OpenAPI description");
  });
  after(async () => {
    await sandbox?.close();
  });
  return {
    get() {
      assert.ok(sandbox, 'sandbox started');
      return sandbox;
    },
  };
}

export interface ServiceOptions {
  readonly token?: string;
  readonly actor?: string;
  readonly config?: FirebreakConfig;
  readonly repo?: RepoRef;
  readonly log?: Logger;
  readonly now?: () => Date;
  /** How long a view write is retried while GitHub fails (the product's default is 20 s). */
  readonly viewBudgetMs?: number;
}

/** A gateway and service as an edge would build them, pointed at the sandbox, with fast retries. */
export function serviceFor(sandbox: Sandbox, options: ServiceOptions = {}) {
  const client = createGitHubClient({
    token: options.token ?? ADMIN_TOKEN,
    baseUrl: sandbox.url,
    writeSpacingMs: 0,
    retryBaseMs: 5,
    ...(options.log ? { log: options.log } : {}),
  });
  const config = options.config ?? defaultConfig();
  const gateway = new OctokitIssueGateway(options.repo ?? REPO, client, sandbox.webUrl);
  const privateGateway = config.privateRepository
    ? new OctokitIssueGateway(config.privateRepository, client, sandbox.webUrl)
    : undefined;
  const service = new IncidentService({
    config,
    gateway,
    ...(privateGateway ? { privateGateway } : {}),
    renderer: createRenderer(),
    actor: options.actor ?? 'firebreak-dev',
    ...(options.now ? { now: options.now } : {}),
    ...(options.viewBudgetMs !== undefined ? { viewBudgetMs: options.viewBudgetMs } : {}),
  });
  return { client, gateway, service };
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
