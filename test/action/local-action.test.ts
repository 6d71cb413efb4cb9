import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useSandbox } from '../sandbox/support';
import { actionRunner } from '../support/fixtures';
import { world } from '../core/world';
import { ROOT } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

const LOCAL_ACTION = join(ROOT, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

/** `npx local-action run action main.ts .env`, as a user debugging a workflow runs it: from source, through tsx. */
async function localAction(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const dotenv = join(env['RUNNER_TEMP'] ?? '', '.env');
  writeFileSync(
    dotenv,
    Object.entries(env)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join('\n'),
  );
  // Nothing of this test process's runner context may leak in: the .env file is the step's whole context.
  const parent = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GITHUB|INPUT|RUNNER)_/.test(name)),
  );
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [LOCAL_ACTION, 'run', 'action', 'main.ts', dotenv], {
      cwd: ROOT,
      env: parent,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe("action: GitHub's local runner (@github/local-action)", function () {
  this.timeout(120_000);
  const sandbox = useSandbox();

  it('runs the Action from source, templates included, and writes its summary', async () => {
    await new DeclareIncident(world(sandbox()).service()).run({
      title: 'Checkout down',
      severity: 'critical',
      lead: 'octo-lead',
    });
    const runner = actionRunner(sandbox(), { inputs: { mode: 'status', remind: 'false' }, eventName: 'schedule' });
    const run = await localAction(runner.env);
    assert.equal(run.code, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /::error::|does not compile/, run.stdout);
    assert.match(readFileSync(runner.summaryPath, 'utf8'), /Checkout down/);
  });

  it('fails the step with what to fix instead of throwing out of run()', async () => {
    const runner = actionRunner(sandbox(), { inputs: { mode: 'status', 'timeout-seconds': 'soon' } });
    const run = await localAction(runner.env);
    assert.match(run.stdout, /::error::.*timeout-seconds/, run.stdout);
    assert.doesNotMatch(run.stdout, /^\s+at /m, 'no stack trace: the error reached core.setFailed');
  });
});
