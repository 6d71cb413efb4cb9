// Users, the repository itself and /rate_limit: what clients call to learn who they are and what they may do.
import { forbidden, notFound } from '../api-error';
import { ok, requireUser, route, type Reply, type RequestContext, type Route } from './context';

/** GitHub App and Actions tokens (bots) cannot read /user: GitHub answers 403 for them. */
function authenticatedUser(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  if (user.type === 'Bot') throw forbidden('Resource not accessible by integration');
  return ok(ctx.payloads.privateUser(user), user.created_at);
}

function userByName(ctx: RequestContext): Reply {
  const user = ctx.store.user(ctx.params.username ?? '');
  if (!user) throw notFound();
  return ok(ctx.payloads.publicUser(user), user.created_at);
}

/** Search and GraphQL budgets are fixed; only `core` tracks the caller's actual use. */
function rateLimit(ctx: RequestContext): Reply {
  const reset = Math.floor(ctx.now().getTime() / 1000) + 3600;
  const core = ctx.rateLimit;
  const search = { limit: 30, remaining: 30, reset: Math.floor(ctx.now().getTime() / 1000) + 60, used: 0 };
  const graphql = { limit: core.limit, remaining: core.limit, reset, used: 0 };
  return ok({
    resources: { core, search, graphql, integration_manifest: { limit: 5000, remaining: 5000, reset, used: 0 } },
    rate: core,
  });
}

export const metaRoutes: Route[] = [
  route('GET', '/user', authenticatedUser),
  route('GET', '/users/{username}', userByName),
  route('GET', '/rate_limit', rateLimit),
  route('GET', '/repos/{owner}/{repo}', (ctx) => {
    const repo = ctx.repo();
    return ok(ctx.payloads.repository(repo, ctx.actor.user), repo.updated_at);
  }),
];
