// The deploy freeze when GitHub fails: the core never answers "not frozen" because it could not read the incidents
// (it decides as without faults, or throws a typed error), and the Action fails closed by default and opens, with a
// warning, only when the workflow asks for it (`on-api-error: allow`).
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { createGitHubClient, timeBudget } from '../../core/github/github-client';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';
import { defaultConfig } from '../../core/domain/config';
import { GitHubError } from '../../core/domain/errors';
import { checkFreeze, type FreezeDecision } from '../../core/use-cases/freeze-decision';
import { buildAction, errorOf, runAction, warningsOf, type ActionRun } from '../action/support';
import type { Sandbox } from '../../sandbox/server';
import {
  ACTION_TOKEN,
  actionTexts,
  assertNoViolations,
  clientFor,
  countLeaks,
  ENGINEERS,
  OUTSIDER,
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
import fc from 'fast-check';
import { burstCase, playBursts } from '../core/freeze-bursts';
import { wired } from '../support/fixtures';
import { authorityOver } from '../../core/authority';
import { Freeze } from '../../core/use-cases/freeze';
import { OctokitCommitStatusGateway } from '../../core/github/commit-statuses';
import { readFreezeIssues } from '../../core/use-cases/freeze-decision';
import { FREEZE_CONTEXT, syncFreezeStatuses } from '../../core/use-cases/freeze-statuses';
import { pullHotfixKey } from '../../core/use-cases/hotfix';
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

  it(`${SIZE.sandboxCases} random subsets and orders of incident event bursts leave every freeze status on the decision now`, async () => {
    // One token plays every case (each reads permissions, pull requests and statuses): more than GitHub's 5,000
    // requests an hour, which is the sandbox's default, so the budget is raised as for the concurrent-changes row.
    const sandbox = await start({ rateLimit: { limit: 100_000 } });
    const before = sandbox.requests.length;
    const started = Date.now();
    let cases = 0;
    let wrong = 0;
    let runs = 0;
    let died = 0;
    await fc.assert(
      fc.asyncProperty(burstCase, async (burst) => {
        const outcome = await playBursts(sandbox, `acme/bursts-${++cases}`, burst);
        runs += outcome.runs;
        died += outcome.died;
        if (JSON.stringify(outcome.states) !== JSON.stringify(outcome.expected)) wrong++;
      }),
      { numRuns: SIZE.sandboxCases, seed: SEED + 20 },
    );
    record({
      scenario: '6d. freeze statuses, any subset and order of event bursts',
      size: `${cases} bursts, ${runs} runs`,
      lost: 0,
      duplicated: 0,
      crashes: wrong,
      leaked: 0,
      requests: sandbox.requests.length - before,
      seconds: seconds(started),
      note: `${wrong} wrong final statuses; ${died} runs died mid-way and were finished by later ones`,
    });
    assert.equal(wrong, 0);
  });

  it('outsiders’ and readers’ hotfix claims pass no freeze on either path; a writer’s passes, recorded once', async () => {
    const sandbox = await start();
    sandbox.store.addUser({ login: 'stranger', permission: 'none' });
    const started = Date.now();
    const before = sandbox.requests.length;
    const claims = [
      { who: 'an outsider from a fork', author: 'stranger', fork: 'stranger/shop', body: 'Fixes incident #N' },
      { who: 'a reader', author: OUTSIDER.login, body: 'Fixes incident #N' },
      {
        who: 'a writer from a fork',
        author: engineer(1).login,
        fork: `${engineer(1).login}/shop`,
        body: 'Fixes incident #N',
      },
      { who: 'a writer, hidden', author: engineer(1).login, body: '<!-- Fixes incident #N -->' },
      { who: 'a writer, in code', author: engineer(1).login, body: 'Run `Fixes incident #N`' },
      { who: 'a writer', author: engineer(1).login, body: 'Mitigates incident #N', honoured: true },
    ];
    let wrong = 0;
    let duplicated = 0;
    let lost = 0;
    const notes: string[] = [];
    for (const [i, claim] of claims.entries()) {
      const repo = `acme/claims-${i}`;
      const w = wired(sandbox, { repo, retries: 0 });
      sandbox.store.setBranchDirect(repo, 'main', 'a'.repeat(40));
      const incident = await new DeclareIncident(w.service).run({ title: 'Checkout down', severity: 'critical' });
      const body = claim.body.replace('#N', `#${incident.number}`);
      const head = 'b'.repeat(40);
      const pull = sandbox.store.createPullDirect(repo, {
        title: 'Roll back',
        body,
        author: claim.author,
        headSha: head,
        ...(claim.fork ? { headRepo: claim.fork } : {}),
      });
      const authority = authorityOver((target, login) => w.connection.gatewayFor(target).canPush(login));
      const gate = await new Freeze({
        gateway: w.gateway,
        config: w.config,
        authority,
        service: async () => w.service,
      }).run({
        hotfix: {
          text: `Roll back\n${body}`,
          actor: claim.author,
          fork: claim.fork !== undefined,
          repo: w.gateway.repo,
          change: `${sandbox.webUrl}/${repo}/pull/${pull.number}`,
          key: pullHotfixKey(w.gateway.repo, pull.number),
        },
      });
      await syncFreezeStatuses(new OctokitCommitStatusGateway(w.gateway.repo, w.client), {
        config: w.config,
        read: await readFreezeIssues(w.gateway, w.config),
        authority,
        service: async () => w.service,
        defaultBranch: 'main',
      });
      const status = sandbox.store.statuses(repo, head).find((st) => st.context === FREEZE_CONTEXT)?.state;
      const entries = sandbox.store
        .comments(repo, incident.number)
        .filter((c) => c.body.includes('"kind":"hotfix"')).length;
      const passed = !gate.decision.frozen || status === 'success';
      if (passed !== (claim.honoured === true) || (status === 'success') !== (claim.honoured === true)) {
        wrong++;
        notes.push(`${claim.who}: gate ${gate.decision.frozen ? 'frozen' : 'passed'}, status ${status}`);
      }
      if (claim.honoured && entries === 0) lost++;
      duplicated += Math.max(0, entries - (claim.honoured ? 1 : 0));
    }
    record({
      scenario: '6e. hotfix claims by outsiders, readers, forks, hidden or in code',
      size: `${claims.length} pull requests, both paths`,
      lost,
      duplicated,
      crashes: wrong,
      leaked: 0,
      requests: sandbox.requests.length - before,
      seconds: seconds(started),
      note: wrong > 0 ? notes.join('; ') : 'only the writer’s visible claim from a branch passed, recorded once',
    });
    assert.deepEqual({ wrong, lost, duplicated }, { wrong: 0, lost: 0, duplicated: 0 }, notes.join('\n'));
  });
});
