// Entry point of the bundled Action (action/dist/index.js): the one place that fails the step.
import * as core from '@actions/core';
import { formatError, run } from './run';

run().catch((error: unknown) => core.setFailed(formatError(error)));
