// Entry point of the bundled Action (action/dist/index.js): the one place that fails the step.
import * as core from '@actions/core';
import { formatError, run } from './run';

run()
  .catch((error: unknown) => core.setFailed(formatError(error)))
  // Outputs and the summary are written by now: a request abandoned on a dropped connection (it waits for its
  // timeout) must not hold the job open. The exit code is the one setFailed set.
  .finally(() => process.exit());
