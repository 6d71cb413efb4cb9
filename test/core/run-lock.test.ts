import assert from 'node:assert/strict';
import { LabelLock, lockRunKey } from '../../core/use-cases/run-lock';
import { useSandbox } from '../sandbox/support';
import { REPO, world } from './world';

describe('run lock (a label)', () => {
  const sandbox = useSandbox();
  const NAME = 'firebreak-lock: follow-ups #123456789';
  const label = () => sandbox().store.label(sandbox().store.ensureRepo(REPO), NAME);
  const lock = (runKey: string) =>
    new LabelLock(world(sandbox()).gateway, {
      name: NAME,
      guards: `the follow-ups of #123456789 ${'in a repository with a long name '.repeat(3)}`,
      runKey,
      pollMs: 20,
      maxWaitMs: 300,
    });

  it('keeps short plain run keys and hashes others, so the description fits GitHub’s 100 characters', async () => {
    assert.equal(lockRunKey('run-4242-build'), 'run-4242-build');
    assert.match(lockRunKey('run-4242-a-very-long-job-name with spaces'), /^[0-9a-f]{16}$/);
    const held = lock('k'.repeat(200));
    assert.equal((await held.acquire()).held, true);
    const description = label()?.description ?? '';
    assert.ok(description.length <= 100, description);
    assert.match(description, new RegExp(` run=${lockRunKey('k'.repeat(200))} at=\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z$`));
    assert.equal(await held.release(), undefined);
    assert.equal(label(), undefined, 'released');
  });

  it('one holder at a time: another run waits, and gets it once the holder releases', async () => {
    const first = lock('run-1');
    assert.equal((await first.acquire()).held, true);
    await assert.rejects(lock('run-2').acquire(), /Another Firebreak run \(run run-1\) is still working/);
    const waiting = lock('run-3').acquire();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await first.release();
    const acquired = await waiting;
    assert.equal(acquired.held, true);
    assert.ok(acquired.held && acquired.waitedMs > 0);
    assert.match(label()?.description ?? '', / run=run-3 /);
  });

  it('a release does not delete a lock another run holds now', async () => {
    const first = lock('run-1');
    await first.acquire();
    sandbox().store.updateLabel(label() ?? assert.fail('held'), {
      description: 'Firebreak lock: taken over run=run-9 at=2030-01-01T00:00:00Z',
    });
    await first.release();
    assert.match(label()?.description ?? '', /run=run-9/);
  });
});
