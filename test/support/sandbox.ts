// The suites' names for the shared fixtures (test/support/fixtures.ts): the sandbox per suite and the service
// builder as `serviceFor`.
import type { Sandbox } from '../../sandbox/server';
import { wired, type WiredOptions } from './fixtures';

export { ADMIN_TOKEN, countRequests, REPO, useSandbox } from './fixtures';
export type ServiceOptions = WiredOptions;

/** A gateway and service as an edge would build them, pointed at the sandbox, with fast retries. */
export function serviceFor(sandbox: Sandbox, options: ServiceOptions = {}) {
  return wired(sandbox, options);
}
