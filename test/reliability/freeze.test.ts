// The deploy freeze when GitHub fails: the core never answers "not frozen" because it could not read the incidents
// (it decides as without faults, or throws a typed error), and the Action fails closed by default and opens, with a
// warning, only when the workflow asks for it (`on-api-error: allow`).
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { createGitHubClient, timeBudget } from '../../core/github/github-client';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';
import { defaultConfig } from '../../core/domain/config';
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
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const engineer = (i: number): Engineer => ENGINEERS[i] as Engineer;

async function someIncidents(sandbox: Sandbox): Promise<number[]> {
  const { service } = clientFor(sandbox, engineer(0));
  const critical = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
  await new DeclareIncident(service).run({ title: 'Typo on the status page', severity: 'minor' });
  await new DeclareIncident(service).run({ title: 'Game day', severity: 'critical', drill: true });
  const major = await new DeclareIncident(service).run({ title: 'Payments slow', severity: 'major' });
  await new ResolveIncident(service).run(
    await new DeclareIncident(service).run({ title: 'Old outage', severity: 'critical' }),
    'Fixed.',
  );
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

  it('a server that accepts connections and never answers: the gate ends within timeout-seconds, closed or open', async () => {
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => {
      // Accepts, reads, never answers, never closes.
      sockets.add(socket);
      socket.on('data', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((done) => hung.listen(0, '127.0.0.1', done));
    const port = (hung.address() as { port: number }).port;
    const apiUrl = `http://127.0.0.1:${port}`;
    const started = Date.now();
    try {
      // The core: a client with a 2 s budget and the default retries gives a typed error in about 2 s.
      const budgetMs = 2000;
      const coreStart = Date.now();
      const gateway = new OctokitIssueGateway(
        { owner: 'acme', name: 'incidents' },
        createGitHubClient({ baseUrl: apiUrl, token: 'hung-token', budget: timeBudget(budgetMs) }),
      );
      const outcome = await checkFreeze(gateway, defaultConfig()).then(
        () => 'answered',
        (error: unknown) =>
          error instanceof GitHubError ? `${error.code}: ${error.message}` : `crash: ${String(error)}`,
      );
      const coreMs = Date.now() - coreStart;
      // A secondary rate limit asking for 60 s with 2 s of budget: no wait is started, the decision fails at once.
      const limited = await start();
      // Warm up first: the sandbox runs in this process, and its first answer compiles the OpenAPI checks.
      await checkFreeze(clientFor(limited, engineer(0)).gateway, defaultConfig());
      limited.injectFaults({ rate: 1, seed: SEED, kinds: ['secondary-rate-limit'], retryAfterSeconds: 60 });
      const limitStart = Date.now();
      const limitedOutcome = await checkFreeze(
        new OctokitIssueGateway(
          { owner: 'acme', name: 'incidents' },
          createGitHubClient({ baseUrl: limited.url, token: ACTION_TOKEN, budget: timeBudget(budgetMs) }),
        ),
        defaultConfig(),
      ).then(
        () => 'answered',
        (error: unknown) => (error instanceof GitHubError ? error.code : `crash: ${String(error)}`),
      );
      const limitMs = Date.now() - limitStart;
      limited.injectFaults(undefined);
      // The Action, as a gate on a pull request (config read first, then the incidents), with its default retries.
      const runs: { onApiError: string; ms: number; run: ActionRun }[] = [];
      for (const onApiError of ['', 'allow']) {
        const runStart = Date.now();
        const run = await runAction(await start(), {
          inputs: { mode: 'freeze', 'timeout-seconds': '3', 'on-api-error': onApiError },
          eventName: 'pull_request',
          event: { pull_request: { number: 9 }, repository: { default_branch: 'main' } },
          env: { GITHUB_API_URL: apiUrl },
        });
        runs.push({ onApiError: onApiError || 'fail', ms: Date.now() - runStart, run });
      }
      const [closed, open] = runs as [(typeof runs)[0], (typeof runs)[0]];
      // Node's start and the bundle's load come on top of the budget: a second of slack on a busy machine.
      const late =
        runs.filter((r) => r.ms > 3000 + 2500).length + (coreMs > budgetMs + 500 ? 1 : 0) + (limitMs > 1000 ? 1 : 0);
      const wrong =
        (outcome.startsWith('unavailable: ') ? 0 : 1) +
        (limitedOutcome === 'rate-limited' ? 0 : 1) +
        (closed.run.code === 1 && closed.run.outputs['frozen'] === 'true' ? 0 : 1) +
        (open.run.code === 0 && open.run.outputs['frozen'] === 'false' ? 0 : 1);
      record({
        scenario: '6c. freeze, GitHub accepts connections and never answers',
        size: '2 checks + 2 runs',
        lost: 0,
        duplicated: 0,
        crashes: wrong + late,
        leaked: countLeaks(runs.flatMap(({ run }) => actionTexts(run))),
        seconds: seconds(started),
        note: `budget 2 s (core) / 3 s (Action): ended after ${(coreMs / 1000).toFixed(1)} s; secondary limit of 60 s: ${(limitMs / 1000).toFixed(1)} s; ${runs.map((r) => `${r.onApiError} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}`,
      });
      assert.match(outcome, /^unavailable: .*did not answer within the time budget of 2 s/);
      assert.ok(coreMs < budgetMs + 500, `core took ${coreMs} ms`);
      assert.ok(coreMs >= budgetMs - 50, `core gave up early, after ${coreMs} ms`);
      assert.equal(limitedOutcome, 'rate-limited');
      assert.ok(limitMs < 1000, `a 60 s secondary-limit wait was started: ${limitMs} ms`);
      assert.equal(closed.run.code, 1, closed.run.stdout);
      assert.equal(closed.run.outputs['frozen'], 'true');
      assert.match(errorOf(closed.run), /did not answer within the time budget of 3 s/);
      assert.match(closed.run.summary, /Freeze not checked: deploy stopped/);
      assert.equal(open.run.code, 0, open.run.stdout);
      assert.equal(open.run.outputs['frozen'], 'false');
      for (const { onApiError, ms } of runs) assert.ok(ms < 3000 + 2500, `${onApiError}: the run took ${ms} ms`);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((done) => hung.close(done));
    }
  });
});
