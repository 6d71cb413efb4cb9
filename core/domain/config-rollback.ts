// The `deployments.rollback-workflow` config key: the workflow file `firebreak rollback` dispatches with input `ref`.
import * as z from 'zod';

/** A workflow file name in .github/workflows (GitHub's dispatch API takes the file name or the workflow id). */
export const rollbackWorkflowSchema = z
  .string({ error: 'rollback-workflow must be the file name of a workflow in .github/workflows, e.g. rollback.yml' })
  .regex(
    /^(?:[\w.-]+\.ya?ml|\d+)$/,
    'rollback-workflow must be a workflow file name ending in .yml or .yaml (e.g. rollback.yml), with no directory',
  );
