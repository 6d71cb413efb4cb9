// Repository labels (create/read/update/delete, names matched case-insensitively) and the labels of one issue,
// where adding a label that does not exist yet creates it with color ededed.
import { ApiError, forbidden, invalidRequest, notFound, validationFailed } from '../api-error';
import { canPush, notAccessibleMessage } from '../auth';
import type { LabelRecord, RepoRecord } from '../store';
import {
  created,
  findIssue,
  noContent,
  objectBody,
  ok,
  optionalString,
  pageOf,
  requireTriage,
  requireUser,
  route,
} from './context';
import type { Reply, RequestContext, Route } from './context';

const MAX_DESCRIPTION = 100;

function requirePush(ctx: RequestContext): void {
  const user = requireUser(ctx);
  if (!canPush(user)) throw forbidden(notAccessibleMessage(user));
}

function findLabel(ctx: RequestContext): { repo: RepoRecord; label: LabelRecord } {
  const repo = ctx.repo();
  const label = ctx.store.label(repo, ctx.params.name ?? '');
  if (!label) throw notFound();
  return { repo, label };
}

/** GitHub accepts colors with or without a leading '#', and stores six hex digits. */
function readColor(body: Record<string, unknown>): string | undefined {
  const raw = optionalString(body, 'color');
  if (raw === undefined || raw === null) return undefined;
  const color = raw.replace(/^#/, '');
  if (!/^[0-9a-fA-F]{6}$/.test(color))
    throw validationFailed({ resource: 'Label', code: 'invalid', field: 'color', value: raw });
  return color.toLowerCase();
}

function readDescription(body: Record<string, unknown>): string | null | undefined {
  const description = optionalString(body, 'description', { nullable: true });
  if (typeof description === 'string' && description.length > MAX_DESCRIPTION) {
    throw validationFailed({
      resource: 'Label',
      code: 'custom',
      field: 'description',
      message: `description is too long (maximum is ${MAX_DESCRIPTION} characters)`,
    });
  }
  return description;
}

function alreadyExists(): ApiError {
  return validationFailed({ resource: 'Label', code: 'already_exists', field: 'name' });
}

function createLabel(ctx: RequestContext): Reply {
  requirePush(ctx);
  const repo = ctx.repo();
  const body = objectBody(ctx);
  const name = optionalString(body, 'name');
  if (name === undefined || name === null) throw invalidRequest(`"name" wasn't supplied.`);
  if (name.trim() === '') throw validationFailed({ resource: 'Label', code: 'missing_field', field: 'name' });
  if (ctx.store.label(repo, name)) throw alreadyExists();
  const color = readColor(body);
  const description = readDescription(body);
  const label = ctx.store.createLabel(repo, {
    name,
    ...(color ? { color } : {}),
    ...(description !== undefined ? { description } : {}),
  });
  return created(ctx.payloads.label(repo, label), ctx.payloads.labelApiUrl(repo, label));
}

function updateLabel(ctx: RequestContext): Reply {
  requirePush(ctx);
  const { repo, label } = findLabel(ctx);
  const body = objectBody(ctx);
  const newName = optionalString(body, 'new_name');
  if (typeof newName === 'string') {
    const clash = ctx.store.label(repo, newName);
    if (clash && clash !== label) throw alreadyExists();
  }
  const color = readColor(body);
  const description = readDescription(body);
  ctx.store.updateLabel(label, {
    ...(typeof newName === 'string' ? { name: newName } : {}),
    ...(color ? { color } : {}),
    ...(description !== undefined ? { description } : {}),
  });
  return ok(ctx.payloads.label(repo, label));
}

function deleteLabel(ctx: RequestContext): Reply {
  requirePush(ctx);
  const { repo, label } = findLabel(ctx);
  ctx.store.deleteLabel(repo, label);
  return noContent();
}

/** `{labels: [...]}` as GitHub documents it; a bare array is accepted too (and reported by the OpenAPI check). */
function labelNames(ctx: RequestContext): string[] {
  const body = ctx.body;
  const list = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null
      ? (body as { labels?: unknown }).labels
      : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalidRequest(`For 'properties/labels', ${JSON.stringify(list)} is not an array.`);
  return list.map((item: unknown) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string')
      return (item as { name: string }).name;
    throw invalidRequest(`For 'items', ${JSON.stringify(item)} is not a string.`);
  });
}

function issueLabelsReply(ctx: RequestContext, repo: RepoRecord, labels: LabelRecord[]): Reply {
  return ok(labels.map((label) => ctx.payloads.label(repo, label)));
}

function addIssueLabels(ctx: RequestContext): Reply {
  requireTriage(ctx);
  const { repo, issue } = findIssue(ctx);
  const names = [...ctx.store.issueLabels(repo, issue).map((label) => label.name), ...labelNames(ctx)];
  ctx.store.updateIssue(repo, issue, { labels: names });
  return issueLabelsReply(ctx, repo, ctx.store.issueLabels(repo, issue));
}

function setIssueLabels(ctx: RequestContext): Reply {
  requireTriage(ctx);
  const { repo, issue } = findIssue(ctx);
  ctx.store.updateIssue(repo, issue, { labels: labelNames(ctx) });
  return issueLabelsReply(ctx, repo, ctx.store.issueLabels(repo, issue));
}

function clearIssueLabels(ctx: RequestContext): Reply {
  requireTriage(ctx);
  const { repo, issue } = findIssue(ctx);
  ctx.store.updateIssue(repo, issue, { labels: [] });
  return noContent();
}

function removeIssueLabel(ctx: RequestContext): Reply {
  requireTriage(ctx);
  const { repo, issue } = findIssue(ctx);
  const wanted = (ctx.params.name ?? '').toLowerCase();
  const current = ctx.store.issueLabels(repo, issue);
  if (!current.some((label) => label.name.toLowerCase() === wanted)) throw new ApiError(404, 'Label does not exist');
  ctx.store.updateIssue(repo, issue, {
    labels: current.filter((label) => label.name.toLowerCase() !== wanted).map((label) => label.name),
  });
  return issueLabelsReply(ctx, repo, ctx.store.issueLabels(repo, issue));
}

export const labelRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/labels', (ctx) => {
    const repo = ctx.repo();
    return pageOf(ctx, repo.labels, (label) => ctx.payloads.label(repo, label));
  }),
  route('POST', '/repos/{owner}/{repo}/labels', createLabel),
  route('GET', '/repos/{owner}/{repo}/labels/{name}', (ctx) => {
    const { repo, label } = findLabel(ctx);
    return ok(ctx.payloads.label(repo, label));
  }),
  route('PATCH', '/repos/{owner}/{repo}/labels/{name}', updateLabel),
  route('DELETE', '/repos/{owner}/{repo}/labels/{name}', deleteLabel),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const { repo, issue } = findIssue(ctx);
    return pageOf(ctx, ctx.store.issueLabels(repo, issue), (label) => ctx.payloads.label(repo, label));
  }),
  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', addIssueLabels),
  route('PUT', '/repos/{owner}/{repo}/issues/{issue_number}/labels', setIssueLabels),
  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels', clearIssueLabels),
  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', removeIssueLabel),
];
