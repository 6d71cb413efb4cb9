// Guards for any suite that talks to the sandbox: traffic GitHub's OpenAPI description would reject fails the test,
// so a client that passes against the sandbox also sends what api.github.com accepts.
import assert from 'node:assert/strict';
import type { Sandbox } from '../../sandbox/server';

/** Fails with every violation listed; call it in afterEach. */
export function assertNoOpenApiViolations(sandbox: Pick<Sandbox, 'violations'>): void {
  assert.deepEqual(sandbox.violations, [], `OpenAPI violations:\n${sandbox.violations.join('\n')}`);
}

/** Returns the violations so far and clears them, for tests that provoke one on purpose. */
export function takeOpenApiViolations(sandbox: Pick<Sandbox, 'violations'>): string[] {
  return sandbox.violations.splice(0, sandbox.violations.length);
}
