// `firebreak/freeze` converges to the decision now, whatever part of each burst of incident events GitHub delivers,
// in whatever order, late, twice, or with runs that die mid-way: a property over declares, severity changes and
// resolves, against the sandbox.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { useSandbox } from '../support/fixtures';
import { burstCase, playBursts } from './freeze-bursts';

describe('freeze statuses: any subset and order of a burst', function () {
  this.timeout(120_000);
  const sandbox = useSandbox();
  let repos = 0;

  it('every open pull request and the default branch end on the decision now (a writer’s hotfix stays green)', async () => {
    await fc.assert(
      fc.asyncProperty(burstCase, async (burst) => {
        const outcome = await playBursts(sandbox(), `acme/bursts-${++repos}`, burst);
        assert.deepEqual(outcome.states, outcome.expected, JSON.stringify(burst));
      }),
      { numRuns: 12, seed: 20 },
    );
  });
});
