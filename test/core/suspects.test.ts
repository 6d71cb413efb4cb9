import assert from 'node:assert/strict';
import { authorityOver } from '../../core/authority';
import { Freeze } from '../../core/use-cases/freeze';
import { suspectsFor } from '../../core/use-cases/suspects';
import { revertFor, rollbackFor } from '../../core/use-cases/way-back';
import { GitCli } from '../../core/git-cli';
import { RevertConflictError } from '../../core/use-cases/revert';
import { parseConfig } from '../../core/domain/config';
import { createDeploymentDirect, dispatchesOf } from '../../sandbox/changes';
import { HISTORY_CONFIG, HISTORY_CONFIG_TEXT, OriginRepo, seedHistory, type History } from '../support/deploy-history';
import { countRequests, REPO_SLUG, useSandbox, wired } from '../support/fixtures';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { ShowIncident } from '../../core/use-cases/show-incident';

describe('suspects: what changed before the incident, and the way back', () => {
  const sandbox = useSandbox({ per: 'test' });
  let history: History | undefined;
  afterEach(() => history?.repo.dispose());

  async function incidentOver(h: History, severity = 'critical') {
    const w = wired(sandbox(), { config: HISTORY_CONFIG });
    const declared = await new DeclareIncident(w.serviceAs({ now: h.declareAt })).run({
      title: 'Payments fail',
      severity,
      services: ['checkout'],
    });
    return { w, incident: await new ShowIncident(w.service).run(declared.number) };
  }

  it('ranks the change under the incident service first, from the last good deploy to the deployed one', async () => {
    history = seedHistory(sandbox());
    const h = history;
    const { w, incident } = await incidentOver(h);
    const suspects = suspectsFor(w.connection, { local: new GitCli(h.repo.dir) });
    const { result, requests } = await countRequests(sandbox(), () => suspects.run({ incident }));

    assert.equal(result.environment, 'production');
    assert.equal(result.deployed?.sha, h.docs, 'the deploy after the declare is ignored, the failed one skipped');
    assert.equal(result.lastGood?.sha, h.good);
    assert.deepEqual(
      result.suspects.map((s) => s.sha),
      [h.checkout, h.docs, h.search],
    );
    const [first] = result.suspects;
    assert.deepEqual(first?.files, ['src/checkout/pay.ts']);
    assert.match(first?.reasons[0] ?? '', /src\/checkout\/pay\.ts, under the paths of service checkout/);
    assert.equal(first?.pr?.title, 'Retry payments twice');
    assert.equal(first?.author, 'octo-dev');
    assert.match(result.suspects[1]?.reasons.join('\n') ?? '', /the most recent of the 3 deployed changes/);

    // Budget: 1 list, one status read per deployment examined (docs, search, good), 1 compare, 3 PR lookups;
    // the local repository has every commit, so no commit is read from GitHub, and nothing is written.
    const calls = requests.map((r) => `${r.method} ${r.path.replace(/\/\d+\//, '/ID/')}`);
    assert.equal(calls.filter((c) => c.endsWith('/deployments')).length, 1);
    assert.equal(calls.filter((c) => c.endsWith('/statuses')).length, 3);
    assert.equal(calls.filter((c) => c.includes('/compare/')).length, 1);
    assert.equal(calls.filter((c) => c.endsWith('/pulls')).length, 3);
    assert.equal(calls.length, 8, calls.join('\n'));
  });

  it('reads each commit from GitHub (at most 10) when there is no local repository', async () => {
    history = seedHistory(sandbox());
    const { w, incident } = await incidentOver(history);
    const { result, requests } = await countRequests(sandbox(), () => suspectsFor(w.connection).run({ incident }));
    assert.equal(result.suspects[0]?.sha, history.checkout);
    const commitReads = requests.filter((r) => /\/commits\/[0-9a-f]{40}$/.test(r.path));
    assert.equal(commitReads.length, 3);
    assert.equal(requests.length, 11);
  });

  it('names the timeline code reference as a reason, and with no deployments says why, with an empty list', async () => {
    history = seedHistory(sandbox());
    const { w, incident } = await incidentOver(history);
    const staging = await suspectsFor(w.connection).run({ incident, environment: 'staging' });
    assert.deepEqual(staging.suspects, []);
    assert.equal(staging.deployed, null);
    assert.match(staging.note ?? '', /No deployments to staging of acme\/shop/);

    await new LogEntry(w.service).run(incident, {
      kind: 'observation',
      text: 'Docs say pay twice',
      code: {
        repo: REPO_SLUG,
        path: 'docs/readme.md',
        startLine: 1,
        endLine: 1,
        commit: history.docs,
        permalink: `https://github.com/${REPO_SLUG}/blob/${history.docs}/docs/readme.md#L1`,
      },
    });
    const withRef = await suspectsFor(w.connection).run({
      incident: await new ShowIncident(w.service).run(incident.number),
    });
    const docs = withRef.suspects.find((s) => s.sha === history?.docs);
    assert.ok(docs?.reasons.some((r) => /docs\/readme\.md, named in the incident's timeline/.test(r)));
  });

  it('opens exactly one revert pull request that passes the freeze, and logs it once', async () => {
    history = seedHistory(sandbox());
    const h = history;
    const { w, incident } = await incidentOver(h);
    const repo = suspectsFor(w.connection).repositoryFor(incident);
    const revert = revertFor(w.connection, { service: w.service, checkout: h.repo.dir });
    const plan = await revert.plan({ incident, sha: h.checkout.slice(0, 10), repo });
    assert.equal(plan.branch, `firebreak/revert-${h.checkout.slice(0, 7)}`);
    assert.equal(plan.title, 'Revert "Retry payments twice"');
    const first = await revert.run(plan);
    assert.equal(first.created, true);
    assert.equal(h.repo.inOrigin('log', '-1', '--format=%s', plan.branch), 'Revert "Retry payments twice"');
    assert.equal(h.repo.inOrigin('show', `${plan.branch}:src/checkout/pay.ts`), 'export const pay = 1;');

    const again = await revert.run(
      await revert.plan({ incident: await new ShowIncident(w.service).run(incident.number), sha: h.checkout, repo }),
    );
    assert.equal(again.created, false);
    assert.equal(again.pull.number, first.pull.number);
    const reverts = sandbox()
      .store.issues(REPO_SLUG)
      .filter((i) => i.pull?.headRef === plan.branch);
    assert.equal(reverts.length, 1);
    assert.match(reverts[0]?.body ?? '', new RegExp(`Mitigates incident #${incident.number}`));

    const logged = (await new ShowIncident(w.service).run(incident.number)).timeline.filter(
      (e) => e.key === `revert-${h.checkout}`,
    );
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.kind === 'action' && logged[0].destructive, true);
    assert.match(logged[0]?.kind === 'action' ? logged[0].text : '', new RegExp(`#${first.pull.number}`));

    const freeze = new Freeze({
      gateway: w.gateway,
      config: w.config,
      authority: authorityOver((repo, login) => w.connection.gatewayFor(repo).canPush(login)),
      service: () => Promise.resolve(w.service),
    });
    const outcome = await freeze.run({
      hotfix: {
        text: reverts[0]?.body ?? '',
        actor: first.pull.author,
        repo: w.gateway.repo,
        change: first.pull.url,
        key: first.pull.url,
      },
    });
    assert.equal(outcome.checked.frozen, true, 'the critical incident freezes other changes');
    assert.equal(outcome.decision.frozen, false, 'the revert passes through the hotfix lane');
  });

  it('stops at a conflicting revert, naming the file, with nothing pushed', async () => {
    history = seedHistory(sandbox());
    const h = history;
    h.repo.write('src/search/index.ts', '3\n').commit('Search again');
    h.repo.push();
    const { w, incident } = await incidentOver(h);
    const revert = revertFor(w.connection, { service: w.service, checkout: h.repo.dir });
    const plan = await revert.plan({
      incident,
      sha: h.search,
      repo: suspectsFor(w.connection).repositoryFor(incident),
    });
    await assert.rejects(revert.run(plan), (error: unknown) => {
      assert.ok(error instanceof RevertConflictError);
      assert.match(error.message, /src\/search\/index\.ts/);
      return true;
    });
    assert.equal(h.repo.inOrigin('branch', '--list', plan.branch), '');
    assert.equal(
      sandbox()
        .store.issues(REPO_SLUG)
        .filter((i) => i.pull?.headRef === plan.branch).length,
      0,
    );
  });

  it('rolls back by dispatching the configured workflow with the last good sha, logged on the incident', async () => {
    history = seedHistory(sandbox());
    const { w, incident } = await incidentOver(history);
    const rollback = rollbackFor(w.connection, { service: w.service });
    const plan = await rollback.plan({ incident });
    assert.match(rollback.describe(plan), /run workflow rollback\.yml on main in acme\/shop with ref=/);
    await rollback.run(plan);
    const dispatches = dispatchesOf(sandbox().store, REPO_SLUG);
    assert.deepEqual(
      dispatches.map((d) => [d.workflow, d.ref, d.inputs]),
      [['rollback.yml', 'main', { ref: history.good }]],
    );
    const entry = (await new ShowIncident(w.service).run(incident.number)).timeline.at(-1);
    assert.equal(entry?.kind === 'action' && entry.destructive, true);
    assert.match(entry?.kind === 'action' ? entry.text : '', /rollback\.yml/);
  });

  it('refuses to roll back without a configured workflow, saying which key to set', async () => {
    const config = parseConfig(HISTORY_CONFIG_TEXT.replace('deployments:\n  rollback-workflow: rollback.yml\n', ''));
    const w = wired(sandbox(), { config });
    const incident = await new DeclareIncident(w.service).run({ title: 'x', services: ['checkout'] });
    await assert.rejects(rollbackFor(w.connection, { service: w.service }).plan({ incident }), /rollback-workflow/);
    assert.throws(
      () => parseConfig('deployments:\n  rollback-workflow: .github/workflows/x.yml\n'),
      /rollback-workflow must be a workflow file name/,
    );
  });

  it('ignores a successful deployment of the same sha when looking for the last good one', async () => {
    history = seedHistory(sandbox());
    createDeploymentDirect(sandbox().store, REPO_SLUG, {
      sha: history.docs,
      environment: 'production',
      states: ['success'],
      createdAt: new Date(history.declareAt.getTime() - 60_000),
    });
    const { w, incident } = await incidentOver(history);
    const result = await suspectsFor(w.connection).run({ incident });
    assert.equal(result.deployed?.sha, history.docs);
    assert.equal(result.lastGood?.sha, history.good);
  });

  it("takes the commits from the local repository's log when GitHub does not know them", async () => {
    const repo = new OriginRepo();
    try {
      const good = repo.write('src/search/a.ts', '1\n').commit('Base');
      const culprit = repo.write('src/checkout/pay.ts', '2\n').commit('Pay twice');
      const deployed = repo.write('README.md', 'x\n').commit('Readme');
      const hourAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
      for (const [sha, hours] of [
        [good, 3],
        [deployed, 2],
      ] as const)
        createDeploymentDirect(sandbox().store, REPO_SLUG, {
          sha,
          environment: 'production',
          states: ['success'],
          createdAt: hourAgo(hours),
        });
      const w = wired(sandbox(), { config: HISTORY_CONFIG });
      const declared = await new DeclareIncident(w.service).run({ title: 'Pay fails', services: ['checkout'] });
      const incident = await new ShowIncident(w.service).run(declared.number);
      const result = await suspectsFor(w.connection, { local: new GitCli(repo.dir) }).run({ incident });
      assert.deepEqual(
        result.suspects.map((s) => [s.sha, s.message, s.author, s.pr]),
        [
          [culprit, 'Pay twice', 'Dev', null],
          [deployed, 'Readme', 'Dev', null],
        ],
      );
    } finally {
      repo.dispose();
    }
  });
});
