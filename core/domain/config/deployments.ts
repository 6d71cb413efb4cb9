// The `deployments` section: how `firebreak serve`, as a deployment protection rule, answers while frozen, and the
// workflow `firebreak rollback` dispatches.
import * as z from 'zod';
import type { RepoRef } from '../incident';
import { REPO, toRepo } from './shared';

export type WhileFrozen = 'reject' | 'hold';
export const WHILE_FROZEN: readonly WhileFrozen[] = ['reject', 'hold'];

/** How `firebreak serve`, as a GitHub App custom deployment protection rule, answers deployments. */
export interface DeploymentsConfig {
  /** While incidents freeze an environment: reject the deployment (default), or leave it waiting until they end. */
  readonly whileFrozen: WhileFrozen;
  /** Where held deployments wait (owner/name); empty: the incident repository. */
  readonly repositories: readonly RepoRef[];
  /** The workflow file `firebreak rollback` dispatches (input `ref`), from `rollback-workflow`. */
  readonly rollbackWorkflow?: string;
}

/** A workflow file name in .github/workflows (GitHub's dispatch API takes the file name or the workflow id). */
export const rollbackWorkflowSchema = z
  .string({ error: 'rollback-workflow must be the file name of a workflow in .github/workflows, e.g. rollback.yml' })
  .regex(
    /^(?:[\w.-]+\.ya?ml|\d+)$/,
    'rollback-workflow must be a workflow file name ending in .yml or .yaml (e.g. rollback.yml), with no directory',
  );

export const deploymentsSchema = z
  .object({
    'while-frozen': z
      .enum(['reject', 'hold'], { error: 'while-frozen must be reject (answer at once) or hold (wait for the end)' })
      .optional(),
    repositories: z
      .array(z.string().regex(REPO, 'each repository must be "owner/name" as GitHub spells it, e.g. acme/web'), {
        error: 'repositories must be a list of "owner/name"',
      })
      .max(50, 'keep repositories to at most 50')
      .optional(),
    'rollback-workflow': rollbackWorkflowSchema.optional(),
  })
  .strict();

export function normalizeDeployments(raw: z.infer<typeof deploymentsSchema> | undefined): DeploymentsConfig {
  return {
    whileFrozen: raw?.['while-frozen'] ?? 'reject',
    repositories: (raw?.repositories ?? []).flatMap((slug) => toRepo(slug) ?? []),
    ...(raw?.['rollback-workflow'] ? { rollbackWorkflow: raw['rollback-workflow'] } : {}),
  };
}
