// The `repository` and `private-repository` settings: where incidents live, and where private ones do.
import * as z from 'zod';
import type { RepoRef } from '../incident';
import { nodeOffset, REPO, sameRepo, toRepo, type SectionContext } from './shared';

export const repositorySchema = z
  .string({ error: 'repository must be "owner/name"' })
  .regex(REPO, 'repository must be "owner/name" as GitHub spells it, e.g. acme/incidents');

export const privateRepositorySchema = z
  .string({ error: 'private-repository must be "owner/name"' })
  .regex(REPO, 'private-repository must be "owner/name" as GitHub spells it, e.g. acme/incidents-private');

export function normalizeRepositories(
  raw: { readonly repository?: string | undefined; readonly 'private-repository'?: string | undefined },
  ctx: SectionContext,
): { repository?: RepoRef; privateRepository?: RepoRef } {
  const repository = toRepo(raw.repository);
  const privateRepository = toRepo(raw['private-repository']);
  if (repository && privateRepository && sameRepo(repository, privateRepository)) {
    ctx.problems.push({
      file: ctx.file,
      ...ctx.at(nodeOffset(ctx.doc, ['private-repository'])),
      field: 'private-repository',
      message: `private-repository is the same as repository (${raw.repository}); private incidents need a separate, private repository`,
    });
  }
  return { ...(repository ? { repository } : {}), ...(privateRepository ? { privateRepository } : {}) };
}
