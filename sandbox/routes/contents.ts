// Repository contents: one file at a ref (GET /repos/{owner}/{repo}/contents/{path}), for clients that must read a
// file from a trusted branch instead of their checkout. Files are set up with `store.putFileDirect`.
import { notFound } from '../api-error';
import { ok, type Reply, type RequestContext, type Route } from './context';

/** The default branch of every sandbox repository. */
export const DEFAULT_BRANCH = 'main';

function getContent(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const path = (ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const ref = ctx.query.get('ref') || DEFAULT_BRANCH;
  const file = ctx.store.file(repo, path, ref);
  if (!file) throw notFound();
  return ok(ctx.payloads.contentFile(repo, file, ref));
}

export const contentRoutes: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/contents/{path}', multiSegment: ['path'], handle: getContent },
];
