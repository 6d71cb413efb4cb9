// Entry point of the bundled Action (action/dist/index.js): runs main.ts's run(), which sets the step's result.
import { run } from './main';

// Outputs and the summary are written by now: a request abandoned on a dropped connection (it waits for its
// timeout) must not hold the job open. The exit code is the one setFailed set.
void run().finally(() => process.exit());
