// What a route handler receives and returns, plus the checks most handlers share (permissions, body fields,
// issue lookup) so that every route answers the same way GitHub does.
import { invalidRequest, notFound, requiresAuthentication, forbidden, validationFailed } from '../api-error';
import { canPush, canTriage, notAccessibleMessage, type Actor } from '../auth';
import { paginate } from '../pagination';
import type { Payloads, Urls } from '../payloads';
import type { RateLimitState } from '../rate-limit';
import type { IssueRecord, RepoRecord, SandboxStore, UserRecord } from '../store';

export interface RequestContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  actor: Actor;
  store: SandboxStore;
  payloads: Payloads;
  urls: Urls;
  now: () => Date;
  /** Absolute URL (no query) under which GitHub links pages of this list. */
  linkBase: string;
  rateLimit: RateLimitState;
  /** The repository of a /repos/{owner}/{repo} route, created on first use; 404 if the caller may not see it. */
  repo(): RepoRecord;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** updated_at of the resource, for Last-Modified. */
  lastModified?: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  template: string;
  /** Parameters that span several path segments (a file path), as `x-multi-segment` marks them in the description. */
  multiSegment?: readonly string[];
  handle(ctx: RequestContext): Reply;
}

/** One row of a route table: `route('GET', '/repos/{owner}/{repo}', handler)`. */
export function route(method: Route['method'], template: string, handle: Route['handle']): Route {
  return { method, template, handle };
}

export const MAX_BODY_CHARACTERS = 65_536;

export function requireUser(ctx: RequestContext): UserRecord {
  if (ctx.actor.user === undefined) throw requiresAuthentication();
  return ctx.actor.user;
}

export function requireTriage(ctx: RequestContext): UserRecord {
  const user = requireUser(ctx);
  if (!canTriage(user)) throw forbidden(notAccessibleMessage(user));
  return user;
}

/** A write to the repository: 401 without a user, 404 if they may not see it, 403 without push access. */
export function repoWithPush(ctx: RequestContext): { user: UserRecord; repo: RepoRecord } {
  const user = requireUser(ctx);
  const repo = ctx.repo();
  if (!canPush(user)) throw forbidden(notAccessibleMessage(user));
  return { user, repo };
}

export function issueNumber(ctx: RequestContext): number {
  const raw = ctx.params.issue_number ?? '';
  if (!/^\d+$/.test(raw)) throw notFound();
  return Number(raw);
}

export function findIssue(ctx: RequestContext): { repo: RepoRecord; issue: IssueRecord } {
  const repo = ctx.repo();
  const number = issueNumber(ctx);
  const issue = repo.issues.find((candidate) => candidate.number === number);
  if (!issue) throw notFound();
  return { repo, issue };
}

/** The JSON object body; an absent body counts as `{}`, anything else than an object is GitHub's 400/422. */
export function objectBody(ctx: RequestContext): Record<string, unknown> {
  if (ctx.body === undefined) return {};
  if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
    throw invalidRequest(`${JSON.stringify(ctx.body)} is not an object.`);
  }
  return ctx.body as Record<string, unknown>;
}

function describe(value: unknown): string {
  return value === null ? 'nil' : JSON.stringify(value);
}

export function optionalString(
  body: Record<string, unknown>,
  field: string,
  options: { nullable?: boolean } = {},
): string | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null && options.nullable) return null;
  if (typeof value !== 'string') throw invalidRequest(`For 'properties/${field}', ${describe(value)} is not a string.`);
  return value;
}

export function optionalStringArray(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidRequest(`For 'properties/${field}', ${describe(value)} is not an array.`);
  return value.map((item) => {
    if (typeof item === 'string') return item;
    // Label lists may also hold {name: ...} objects.
    if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') {
      return (item as { name: string }).name;
    }
    throw invalidRequest(`For 'items', ${describe(item)} is not a string.`);
  });
}

/** Bodies of issues and comments are limited to 65,536 characters (not bytes). */
export function checkBodyLength(body: string | null | undefined, resource: 'Issue' | 'IssueComment'): void {
  if (typeof body !== 'string' || body.length <= MAX_BODY_CHARACTERS) return;
  if ([...body].length <= MAX_BODY_CHARACTERS) return;
  throw validationFailed({
    resource,
    code: 'custom',
    field: 'body',
    message: `body is too long (maximum is ${MAX_BODY_CHARACTERS} characters)`,
  });
}

export function ok(body: unknown, lastModified?: string): Reply {
  return lastModified === undefined ? { status: 200, body } : { status: 200, body, lastModified };
}

export function created(body: unknown, location: string): Reply {
  return { status: 201, body, headers: { location } };
}

export const noContent = (): Reply => ({ status: 204 });

/** One page of a list, rendered, with GitHub's Link header when there is more than one page. */
export function pageOf<T>(ctx: RequestContext, all: readonly T[], render: (item: T) => unknown): Reply {
  const page = paginate(all, ctx.query, ctx.linkBase);
  return { status: 200, body: page.items.map(render), ...(page.link ? { headers: { link: page.link } } : {}) };
}

/** Newest first unless direction=asc; ties keep id order so pages are stable. */
export function sortBy<T extends { id: number }>(
  items: T[],
  key: (item: T) => string | number,
  direction: 'asc' | 'desc',
): T[] {
  const factor = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x < y) return -factor;
    if (x > y) return factor;
    return (a.id - b.id) * factor;
  });
}
