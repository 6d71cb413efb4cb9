// Deployments (list with the environment, sha, ref and task filters; create) and their statuses (list newest
// first; create), as deploy workflows write them and `firebreak suspects` reads them. Required status contexts are
// not enforced: the sandbox has no checks to wait for.
import { forbidden, invalidRequest, notFound, validationFailed } from '../api-error';
import { canPush, notAccessibleMessage } from '../auth';
import { deploymentPayload, deploymentStatusPayload } from '../change-payloads';
import {
  addDeployment,
  addDeploymentStatus,
  changesOf,
  DEPLOYMENT_STATES,
  type DeploymentRecord,
  type DeploymentState,
} from '../changes';
import type { RepoRecord } from '../store';
import {
  created,
  objectBody,
  optionalString,
  pageOf,
  repoWithPush,
  requireUser,
  type Reply,
  type RequestContext,
} from './context';
import type { Route } from './context';

function findDeployment(ctx: RequestContext): { repo: RepoRecord; deployment: DeploymentRecord } {
  const repo = ctx.repo();
  const raw = ctx.params.deployment_id ?? '';
  const deployment = /^\d+$/.test(raw) ? changesOf(repo).deployments.find((d) => d.id === Number(raw)) : undefined;
  if (!deployment) throw notFound();
  return { repo, deployment };
}

/**
 * GitHub stamps deployments to the second; the sandbox keeps milliseconds, so that a test that deploys and declares
 * within one second still has a deployment before the declare and one after it.
 */
function preciseTime(ctx: RequestContext): string {
  return ctx.now().toISOString();
}

function listDeployments(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const filters = (['sha', 'ref', 'task', 'environment'] as const).flatMap((name) => {
    const value = ctx.query.get(name);
    return value === null || value === 'none' ? [] : [[name, value] as const];
  });
  const found = [...changesOf(repo).deployments]
    .reverse()
    .filter((d) => filters.every(([name, value]) => d[name] === value));
  return pageOf(ctx, found, (d) => deploymentPayload(ctx.payloads, repo, d));
}

function createDeployment(ctx: RequestContext): Reply {
  const { user, repo } = repoWithPush(ctx);
  const body = objectBody(ctx);
  const ref = optionalString(body, 'ref');
  if (ref === undefined || ref === null) throw invalidRequest(`"ref" wasn't supplied.`);
  const sha = ctx.store.resolveRef(repo, ref);
  if (!sha)
    throw validationFailed({
      resource: 'Deployment',
      code: 'custom',
      field: 'ref',
      message: `No ref found for: ${ref}`,
    });
  const payload = body['payload'];
  const deployment = addDeployment(repo, {
    sha,
    ref,
    environment: optionalString(body, 'environment') ?? 'production',
    creator: user.login,
    task: optionalString(body, 'task') ?? 'deploy',
    description: optionalString(body, 'description', { nullable: true }) ?? null,
    ...(typeof payload === 'object' && payload !== null ? { payload: payload as Record<string, unknown> } : {}),
    ...(typeof body['production_environment'] === 'boolean' ? { production: body['production_environment'] } : {}),
    ...(typeof body['transient_environment'] === 'boolean' ? { transient: body['transient_environment'] } : {}),
    at: preciseTime(ctx),
  });
  ctx.store.onChange?.();
  return created(
    deploymentPayload(ctx.payloads, repo, deployment),
    `${ctx.payloads.repoApiUrl(repo)}/deployments/${deployment.id}`,
  );
}

function createStatus(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { repo, deployment } = findDeployment(ctx);
  if (!canPush(user)) throw forbidden(notAccessibleMessage(user));
  const body = objectBody(ctx);
  const state = optionalString(body, 'state');
  if (state === undefined || state === null) throw invalidRequest(`"state" wasn't supplied.`);
  if (!(DEPLOYMENT_STATES as readonly string[]).includes(state))
    throw invalidRequest(`For 'properties/state', "${state}" is not one of ${DEPLOYMENT_STATES.join(', ')}.`);
  const text = (name: string) => optionalString(body, name) ?? undefined;
  const description = text('description');
  const targetUrl = text('target_url');
  const logUrl = text('log_url');
  const environmentUrl = text('environment_url');
  const status = addDeploymentStatus(repo, deployment, {
    state: state as DeploymentState,
    creator: user.login,
    at: preciseTime(ctx),
    ...(description !== undefined ? { description } : {}),
    ...(targetUrl !== undefined ? { target_url: targetUrl } : {}),
    ...(logUrl !== undefined ? { log_url: logUrl } : {}),
    ...(environmentUrl !== undefined ? { environment_url: environmentUrl } : {}),
  });
  ctx.store.onChange?.();
  return created(
    deploymentStatusPayload(ctx.payloads, ctx.urls, repo, deployment, status),
    `${ctx.payloads.repoApiUrl(repo)}/deployments/${deployment.id}/statuses/${status.id}`,
  );
}

export const deploymentRoutes: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/deployments', handle: listDeployments },
  { method: 'POST', template: '/repos/{owner}/{repo}/deployments', handle: createDeployment },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    handle: (ctx) => {
      const { repo, deployment } = findDeployment(ctx);
      const newest = [...deployment.statuses].reverse();
      return pageOf(ctx, newest, (s) => deploymentStatusPayload(ctx.payloads, ctx.urls, repo, deployment, s));
    },
  },
  { method: 'POST', template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', handle: createStatus },
];
