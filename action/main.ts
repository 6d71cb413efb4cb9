// The Action's run(): the one place that fails the step. It never throws, so the bundle's entry (index.ts) and
// GitHub's local runner (`npx local-action run action main.ts .env`) both end with the step's result set.
import * as core from '@actions/core';
import { formatError, runAction } from './run';

export async function run(): Promise<void> {
  try {
    await runAction();
  } catch (error) {
    core.setFailed(formatError(error));
  }
}
