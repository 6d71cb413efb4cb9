// The deploy freeze when GitHub fails: the core never answers "not frozen" because it could not read the incidents
// (it decides as without faults, or throws a typed error), and the Action fails closed by default and opens, with a
// warning, only when the workflow asks for it (`on-api-error: allow`).
import assert from 'node:assert/strict';
import { GitHubError } from '../../core/domain/errors';
import { checkFreeze, type FreezeDecision } from '../../core/use-cases/freeze';
import { buildAction, errorOf, runAction, warningsOf, type ActionRun } from '../action/support';
import type { Sandbox } from '../../sandbox/server';
import {
  ACTION_TOKEN,
  actionTexts,
  assertNoViolations,
  clientFor,
  countLeaks,
  ENGINEERS,
  errorText,
  faultPlan,
  FULL,
  sandboxesForEachTest,
  seconds,
  SEED,
  SIZE,
  SLUG,
  visibleText,
  type Engineer,
} from './support';
import { record } from './table';

const engineer = (i: number): Engineer => ENGINEERS[i] as Engineer;

async function someIncidents(sandbox: Sandbox): Promise<number[]> {
  const { service } = clientFor(sandbox, engineer(0));
  const critical = await service.declare({ title: 'Checkout down', severity: 'critical' });
  await service.declare({ title: 'Typo on the status page', severity: 'minor' });
  await service.declare({ title: 'Game day', severity: 'critical', drill: true });
  const major = await service.declare({ title: 'Payments slow', severity: 'major' });
  await service.resolve(await service.declare({ title: 'Old outage', severity: 'critical' }), 'Fixed.');
  return [critical.number, major.number];
}

const decisionOf = (d: FreezeDecision) => ({ frozen: d.frozen, freezing: d.freezing.map((i) => i.number) });

describe('reliability: deploy freeze while GitHub fails', function () {
  this.timeout(5 * 60_000);
  const start = sandboxesForEachTest();
  before(buildAction);

  it(`under ~30% faults, ${SIZE.freezeChecks} freeze checks each decide as without faults or fail with a typed error, never "not frozen"`, async () => {
    const sandbox = await start();
    const freezing = await someIncidents(sandbox);
    const config = clientFor(sandbox, engineer(1)).service.config;
    const expected = decisionOf(await checkFreeze(clientFor(sandbox, engineer(1)).gateway, config));
    assert.deepEqual(expected, { frozen: true, freezing });

    const before = sandbox.requests.length;
    const started = Date.now();
    sandbox.injectFaults(faultPlan(SEED + 6, 0.3));
    let wrong = 0;
    let typed = 0;
    let crashes = 0;
    const errors: string[] = [];
    for (let i = 0; i < SIZE.freezeChecks; i++) {
      // A fresh client per check, as each workflow run is: no ETag cache to fall back on.
      const { gateway, log } = clientFor(sandbox, engineer(2 + (i % 3)));
      try {
        const decision = decisionOf(await checkFreeze(gateway, config));
        if (JSON.stringify(decision) !== JSON.stringify(expected)) wrong++;
      } catch (error) {
        errors.push(errorText(error));
        if (error instanceof GitHubError) typed++;
        else crashes++;
      }
      errors.push(...log.lines);
    }
    sandbox.injectFaults(undefined);
    sandbox.setDown(true);
    const down = await checkFreeze(clientFor(sandbox, engineer(1)).gateway, config).then(
      () => 'answered',
      (error: unknown) => (error instanceof GitHubError ? error.code : 'crash'),
    );
    sandbox.setDown(false);
    const during = sandbox.requests.slice(before);
    const leaked = countLeaks(errors);
    record({
      scenario: '6a. freeze decision under ~30% faults',
      size: `${SIZE.freezeChecks} checks`,
      lost: 0,
      duplicated: 0,
      crashes: crashes + wrong + (down === 'unavailable' ? 0 : 1),
      leaked,
      requests: during.length,
      retries: during.length - SIZE.freezeChecks,
      faults: during.filter((r) => r.fault !== undefined).length,
      seconds: seconds(started),
      note: `${wrong} wrong decisions; ${typed} typed errors (fail closed)`,
    });
    assert.equal(wrong, 0, 'never a wrong decision');
    assert.equal(crashes, 0, errors.join('\n'));
    assert.equal(down, 'unavailable', 'GitHub down: a typed "unavailable" error, never a decision');
    assert.equal(leaked, 0);
    assertNoViolations(sandbox);
  });

  it('the Action fails closed when GitHub refuses, drops or fails requests, and opens with a warning only with on-api-error: allow', async () => {
    const sandbox = await start();
    await someIncidents(sandbox);
    const started = Date.now();
    // api-retries: 0 is configuration for speed: the Action's default backs off from 1 s between retries.
    const freeze = (onApiError: '' | 'allow', env: Record<string, string> = {}) =>
      runAction(sandbox, {
        inputs: {
          mode: 'freeze',
          'github-token': ACTION_TOKEN,
          repository: SLUG,
          'api-retries': '0',
          'on-api-error': onApiError,
        },
        env,
      });
    const runs: { outage: string; onApiError: string; run: ActionRun }[] = [];
    // Refused: nothing listens (port 1). 5xx: every answer is a 503. Dropped (full run only): connections are
    // accepted and then dropped, which ends only at the client's 30 s request timeout.
    for (const outage of FULL ? (['refused', 'http503', 'dropped'] as const) : (['refused', 'http503'] as const)) {
      const env = outage === 'refused' ? { GITHUB_API_URL: 'http://127.0.0.1:1' } : {};
      if (outage === 'http503') sandbox.injectFaults({ rate: 1, seed: SEED, kinds: ['http503'] });
      if (outage === 'dropped') sandbox.setDown(true);
      // An empty input is what the runner passes when the workflow does not set on-api-error: the default.
      runs.push({ outage, onApiError: 'fail', run: await freeze('', env) });
      if (outage !== 'dropped') runs.push({ outage, onApiError: 'allow', run: await freeze('allow', env) });
      sandbox.setDown(false);
      sandbox.injectFaults(undefined);
    }
    const closed = runs.filter((r) => r.onApiError === 'fail');
    const open = runs.filter((r) => r.onApiError === 'allow');
    const wrong =
      closed.filter(
        ({ run }) =>
          run.code !== 1 || run.outputs['frozen'] !== 'true' || !/Freeze not checked: deploy stopped/.test(run.summary),
      ).length +
      open.filter(
        ({ run }) =>
          run.code !== 0 ||
          run.outputs['frozen'] !== 'false' ||
          !warningsOf(run).some((w) => /Could not check the deploy freeze; allowing the deploy/.test(w)),
      ).length;
    const leaked = countLeaks([...runs.flatMap(({ run }) => actionTexts(run)), ...visibleText(sandbox)]);
    record({
      scenario: '6b. Action freeze, GitHub down',
      size: `${runs.length} runs`,
      lost: 0,
      duplicated: 0,
      crashes: wrong,
      leaked,
      seconds: seconds(started),
      note: 'fail: exit 1, frozen=true; allow: exit 0 + warning',
    });
    for (const { outage, run } of closed) {
      assert.equal(run.code, 1, `${outage}: ${run.stdout}`);
      assert.equal(run.outputs['frozen'], 'true');
      assert.match(errorOf(run), /Could not check the deploy freeze, so the deploy stops \(on-api-error: fail\)/);
      assert.match(run.summary, /Freeze not checked: deploy stopped/);
    }
    for (const { outage, run } of open) {
      assert.equal(run.code, 0, `${outage}: ${run.stdout}`);
      assert.equal(run.outputs['frozen'], 'false');
      assert.ok(
        warningsOf(run).some((w) =>
          /Could not check the deploy freeze; allowing the deploy \(on-api-error: allow\)/.test(w),
        ),
        run.stdout,
      );
    }
    assert.equal(wrong, 0);
    assert.equal(leaked, 0);
    assertNoViolations(sandbox);
  });
});
