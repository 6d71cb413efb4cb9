// `POST /github/webhooks`: the GitHub App's webhook deliveries, verified with @octokit/webhooks against
// FIREBREAK_WEBHOOK_SECRET (`x-hub-signature-256`) and dispatched by `x-github-event`:
// - `deployment_protection_rule` (requested): the deployment gate answers (or holds) the run's environment;
// - `issues` (closed, labeled, unlabeled, edited, reopened, deleted) on the incident repositories: held
//   deployments whose environments nothing freezes any more are approved;
// - `ping` and anything else: acknowledged, nothing done.
// Without the secret the route does not exist (404), as an alert source without its secret.
import type { IncomingHttpHeaders } from 'node:http';
import { describeError, FirebreakError } from '../core/domain/errors';
import { repoSlug, type RepoRef } from '../core/domain/incident';
import {
  parseProtectionRule,
  payloadRepo,
  RELEASING_ACTIONS,
  type DeploymentGate,
} from '../core/use-cases/deployment-gate';
import { json, type Reply, type Route } from './routes';

export const WEBHOOK_PATH = '/github/webhooks';

export function webhookSecretFrom(env: NodeJS.ProcessEnv): string | undefined {
  return env['FIREBREAK_WEBHOOK_SECRET'] || undefined;
}

export interface GitHubAppRouteOptions {
  readonly gate: DeploymentGate;
  readonly secret: string | undefined;
  /** The incident repositories: `issues` events of other repositories change no freeze. */
  readonly incidentRepos: readonly RepoRef[];
  /** Posts an incident's new timeline entries to its chat channel (Slack), on `issues`/`issue_comment`. */
  readonly chatSync?: (number: number) => Promise<number>;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The webhook route, or none when FIREBREAK_WEBHOOK_SECRET is not set. */
export function githubAppRoutes(options: GitHubAppRouteOptions): Route[] {
  const { secret } = options;
  if (!secret) return [];
  // Loaded on first use: @octokit/webhooks is an ES module only (its signature check, webhooks-methods, too).
  let webhooks: Promise<{ verify(payload: string, signature: string): Promise<boolean> }> | undefined;
  const verify = async (payload: string, signature: string) => {
    webhooks ??= import('@octokit/webhooks').then(({ Webhooks }) => new Webhooks({ secret }));
    return (await webhooks).verify(payload, signature).catch(() => false);
  };
  return [
    {
      method: 'POST',
      path: WEBHOOK_PATH,
      handle: async (body, headers) => {
        const event = header(headers, 'x-github-event');
        const delivery = header(headers, 'x-github-delivery');
        const log = { event, ...(delivery ? { delivery } : {}) };
        const signature = header(headers, 'x-hub-signature-256');
        const text = body.toString('utf8');
        const verified = signature ? await verify(text, signature) : false;
        if (!verified) return json(401, { error: 'Wrong or missing x-hub-signature-256; nothing was done.' }, log);
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          return json(400, { error: 'The body is not JSON.' }, log);
        }
        try {
          return await dispatch(options, event, payload, log);
        } catch (error) {
          // GitHub refused or failed: the delivery shows the error and can be redelivered; a redelivery is safe.
          const status = error instanceof FirebreakError ? 502 : 500;
          const message = error instanceof FirebreakError ? describeError(error) : 'Internal error.';
          return json(status, { error: message }, { ...log, error: describeError(error) });
        }
      },
    },
  ];
}

async function dispatch(
  options: GitHubAppRouteOptions,
  event: string,
  payload: unknown,
  log: Record<string, unknown>,
): Promise<Reply> {
  const action = (payload as { action?: unknown }).action;
  const synced = await syncChat(options, event, payload);
  if (synced !== undefined) Object.assign(log, { posted: synced });
  if (event === 'issue_comment' && synced !== undefined) return json(200, { posted: synced }, log);
  if (event === 'deployment_protection_rule') {
    const request = parseProtectionRule(payload);
    if (!request) return json(202, { note: 'Not a deployment protection rule request; nothing to do.' }, log);
    const outcome = await options.gate.onProtectionRule(request);
    return json(200, outcome, { ...log, result: outcome.result, run: outcome.runId, environment: outcome.environment });
  }
  if (event === 'issues') {
    const repo = payloadRepo(payload);
    const ours = repo && options.incidentRepos.some((r) => repoSlug(r).toLowerCase() === repoSlug(repo).toLowerCase());
    if (!ours || typeof action !== 'string' || !RELEASING_ACTIONS.includes(action))
      return json(202, { note: 'This issue change cannot end a freeze; nothing to do.' }, log);
    const outcome = await options.gate.releaseHeld();
    return json(200, outcome, { ...log, approved: outcome.approved.length });
  }
  return json(202, { note: `The ${event || 'unnamed'} event is not handled; nothing to do.` }, log);
}

/** The incident channel's catch-up on a change of one of our incidents (its public repository's numbers). */
async function syncChat(options: GitHubAppRouteOptions, event: string, payload: unknown): Promise<number | undefined> {
  if (!options.chatSync || (event !== 'issues' && event !== 'issue_comment')) return undefined;
  const repo = payloadRepo(payload);
  const first = options.incidentRepos[0];
  if (!repo || !first || repoSlug(first).toLowerCase() !== repoSlug(repo).toLowerCase()) return undefined;
  const issue = (payload as { issue?: { number?: unknown; pull_request?: unknown } }).issue;
  if (typeof issue?.number !== 'number' || issue.pull_request) return undefined;
  return options.chatSync(issue.number);
}
