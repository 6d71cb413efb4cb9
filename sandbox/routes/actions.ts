// Workflow runs waiting for deployments and the custom protection rules that gate them: list runs (with the
// `status` filter), a run's pending deployments, and a GitHub App's answer for one environment
// (POST .../deployment_protection_rule). Runs are seeded with `store.createWorkflowRunDirect`; the sandbox runs
// nothing. GitHub lets an App answer only its own rules; the sandbox takes any caller with push access and refuses
// (422) an environment whose custom rule is not waiting.
import { forbidden, invalidRequest, notFound, validationFailed } from '../api-error';
import { canPush, notAccessibleMessage } from '../auth';
import { paginate } from '../pagination';
import type { RepoRecord, WorkflowRunRecord } from '../store';
import {
  noContent,
  objectBody,
  ok,
  optionalString,
  requireUser,
  route,
  type Reply,
  type RequestContext,
} from './context';
import type { Route } from './context';

const RUN_STATUSES = [
  'completed',
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'skipped',
  'stale',
  'success',
  'timed_out',
  'in_progress',
  'queued',
  'requested',
  'waiting',
  'pending',
];

function findRun(ctx: RequestContext): { repo: RepoRecord; run: WorkflowRunRecord } {
  const repo = ctx.repo();
  const raw = ctx.params.run_id ?? '';
  const run = /^\d+$/.test(raw) ? ctx.store.workflowRun(repo, Number(raw)) : undefined;
  if (!run) throw notFound();
  return { repo, run };
}

function runPayload(ctx: RequestContext, repo: RepoRecord, run: WorkflowRunRecord): Record<string, unknown> {
  const api = `${ctx.payloads.repoApiUrl(repo)}/actions/runs/${run.id}`;
  const web = `${ctx.urls.web}/${repo.owner}/${repo.name}/actions/runs/${run.id}`;
  const repository = ctx.payloads.repository(repo, ctx.actor.user);
  const actor = ctx.payloads.simpleUser(run.actor);
  return {
    id: run.id,
    name: run.name,
    node_id: run.node_id,
    check_suite_id: run.id + 1,
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.path,
    run_number: run.run_number,
    run_attempt: 1,
    display_title: run.name,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: repo.id + 7,
    url: api,
    html_url: web,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor,
    triggering_actor: actor,
    run_started_at: run.created_at,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${ctx.payloads.repoApiUrl(repo)}/check-suites/${run.id + 1}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${ctx.payloads.repoApiUrl(repo)}/actions/workflows/${repo.id + 7}`,
    head_commit: null,
    repository,
    head_repository: repository,
  };
}

function listRuns(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const status = ctx.query.get('status');
  if (status !== null && !RUN_STATUSES.includes(status))
    throw validationFailed({ resource: 'WorkflowRun', field: 'status', code: 'invalid' });
  const branch = ctx.query.get('branch');
  const runs = [...(repo.runs ?? [])]
    .reverse()
    .filter((run) => status === null || run.status === status || run.conclusion === status)
    .filter((run) => branch === null || run.head_branch === branch);
  const page = paginate(runs, ctx.query, ctx.linkBase);
  return {
    status: 200,
    body: { total_count: runs.length, workflow_runs: page.items.map((run) => runPayload(ctx, repo, run)) },
    ...(page.link ? { headers: { link: page.link } } : {}),
  };
}

function pendingDeployments(ctx: RequestContext): Reply {
  const { repo, run } = findRun(ctx);
  const api = ctx.payloads.repoApiUrl(repo);
  const waiting = run.status === 'waiting' ? run.pending.filter((p) => p.state === 'waiting') : [];
  return ok(
    waiting.map((p) => ({
      environment: {
        id: p.environmentId,
        node_id: Buffer.from(`Environment:${p.environmentId}`).toString('base64'),
        name: p.environment,
        url: `${api}/environments/${encodeURIComponent(p.environment)}`,
        html_url: `${ctx.urls.web}/${repo.owner}/${repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(p.environment)}`,
      },
      wait_timer: 0,
      wait_timer_started_at: null,
      current_user_can_approve: !p.customRule,
      reviewers: [],
    })),
  );
}

function reviewCustomRule(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { run } = findRun(ctx);
  if (!canPush(user)) throw forbidden(notAccessibleMessage(user));
  const body = objectBody(ctx);
  const environment = optionalString(body, 'environment_name');
  const state = optionalString(body, 'state');
  if (environment === undefined || environment === null) throw invalidRequest(`"environment_name" wasn't supplied.`);
  if (state !== 'approved' && state !== 'rejected')
    throw invalidRequest(`For 'properties/state', ${JSON.stringify(state ?? null)} is not one of approved, rejected.`);
  const comment = optionalString(body, 'comment') ?? undefined;
  const pending =
    run.status === 'waiting'
      ? run.pending.find(
          (p) => p.customRule && p.state === 'waiting' && p.environment.toLowerCase() === environment.toLowerCase(),
        )
      : undefined;
  if (!pending)
    throw validationFailed({
      resource: 'DeploymentProtectionRule',
      code: 'custom',
      field: 'environment_name',
      message: `No pending custom deployment protection rule for environment ${environment} in this run.`,
    });
  ctx.store.reviewDeployment(run, pending, state, comment);
  return noContent();
}

export const actionRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/actions/runs', listRuns),
  route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', pendingDeployments),
  route('POST', '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', reviewCustomRule),
];
