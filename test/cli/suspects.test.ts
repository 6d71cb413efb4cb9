import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { dispatchesOf } from '../../sandbox/changes';
import { HISTORY_CONFIG, HISTORY_CONFIG_TEXT, seedHistory, type History } from '../support/deploy-history';
import { REPO_SLUG, useSandbox, wired } from '../support/fixtures';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

describe('firebreak suspects, revert and rollback', () => {
  const sandbox = useSandbox({ per: 'test' });
  const cacheDir = mkdtempSync(join(tmpdir(), 'firebreak-cache-'));
  let history: History | undefined;
  afterEach(() => history?.repo.dispose());

  /** A checkout with the deploy history and its config, and incident #N declared between the deploys. */
  async function setUp(): Promise<{ h: History; number: number; cwd: string }> {
    history = seedHistory(sandbox());
    const h = history;
    mkdirSync(join(h.repo.dir, '.github'), { recursive: true });
    writeFileSync(join(h.repo.dir, '.github', 'incidents.yml'), `repository: ${REPO_SLUG}\n${HISTORY_CONFIG_TEXT}`);
    const w = wired(sandbox(), { config: HISTORY_CONFIG });
    const incident = await new DeclareIncident(w.serviceAs({ now: h.declareAt })).run({
      title: 'Payments fail',
      severity: 'critical',
      services: ['checkout'],
    });
    return { h, number: incident.number, cwd: h.repo.dir };
  }

  async function run(args: string[], cwd: string, answer?: boolean) {
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const code = await main(
      args,
      {
        GITHUB_API_URL: sandbox().url,
        GITHUB_TOKEN: 'sandbox-token',
        GITHUB_SERVER_URL: sandbox().webUrl,
        FIREBREAK_CACHE_DIR: cacheDir,
      },
      {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        ...(answer !== undefined
          ? {
              confirm: (question: string) => {
                asked.push(question);
                return Promise.resolve(answer);
              },
            }
          : {}),
      },
      cwd,
    );
    return { code, out: out.join('\n'), err: err.join('\n'), asked };
  }

  const revertPulls = (branch: string) =>
    sandbox()
      .store.issues(REPO_SLUG)
      .filter((i) => i.pull?.headRef === branch);

  it('suspects --json prints the deploys and the ranked suspects, within the request budget, writing nothing', async () => {
    const { h, number, cwd } = await setUp();
    const start = sandbox().requests.length;
    const result = await run(['suspects', String(number), '--json'], cwd);
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as {
      incident: number;
      environment: string;
      lastGood: { sha: string; deployedAt: string };
      deployed: { sha: string; deployedAt: string };
      suspects: {
        sha: string;
        message: string;
        author: string;
        pr: { number: number; title: string; url: string; author: string } | null;
        files: string[];
        score: number;
        reasons: string[];
      }[];
    };
    assert.equal(json.incident, number);
    assert.equal(json.environment, 'production');
    assert.equal(json.deployed.sha, h.docs);
    assert.equal(json.lastGood.sha, h.good);
    assert.ok(Date.parse(json.deployed.deployedAt) < h.declareAt.getTime());
    assert.deepEqual(
      json.suspects.map((s) => s.sha),
      [h.checkout, h.docs, h.search],
    );
    const [first] = json.suspects;
    assert.deepEqual(Object.keys(first ?? {}).sort(), ['author', 'files', 'message', 'pr', 'reasons', 'score', 'sha']);
    assert.equal(first?.message, 'Retry payments twice');
    assert.deepEqual(first?.files, ['src/checkout/pay.ts']);
    assert.deepEqual(Object.keys(first?.pr ?? {}).sort(), ['author', 'number', 'title', 'url']);

    const beyondIncident = sandbox()
      .requests.slice(start)
      .filter((r) => !/\/issues(\/|$)|^\/user$/.test(r.path));
    assert.ok(beyondIncident.length <= 1 + 3 + 1 + 10, beyondIncident.map((r) => r.path).join('\n'));
    assert.deepEqual(
      sandbox()
        .requests.slice(start)
        .filter((r) => r.method !== 'GET'),
      [],
    );
  });

  it('suspects without deployments prints an empty list and a sentence saying why, exit 0', async () => {
    const { number, cwd } = await setUp();
    const human = await run(['suspects', String(number), '--environment', 'staging'], cwd);
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /No deployments to staging/);
    const json = await run(['suspects', String(number), '--environment', 'staging', '--json'], cwd);
    assert.deepEqual((JSON.parse(json.out) as { suspects: unknown[] }).suspects, []);
  });

  it('revert with no terminal and no --yes refuses with exit 2 and changes nothing', async () => {
    const { h, number, cwd } = await setUp();
    const comments = sandbox().store.comments(REPO_SLUG).length;
    const refused = await run(['revert', String(number), h.checkout], cwd);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /--yes/);
    assert.equal(revertPulls(`firebreak/revert-${h.checkout.slice(0, 7)}`).length, 0);
    assert.equal(h.repo.inOrigin('branch', '--list', 'firebreak/*'), '');
    assert.equal(sandbox().store.comments(REPO_SLUG).length, comments);
    const rollback = await run(['rollback', String(number)], cwd);
    assert.equal(rollback.code, 2);
    assert.deepEqual(dispatchesOf(sandbox().store, REPO_SLUG), []);
  });

  it('revert asks at a terminal, naming the branch and pull request; declining changes nothing', async () => {
    const { h, number, cwd } = await setUp();
    const declined = await run(['revert', String(number), h.checkout], cwd, false);
    assert.equal(declined.code, 1);
    assert.match(declined.asked[0] ?? '', /firebreak\/revert-[0-9a-f]{7}/);
    assert.match(declined.asked[0] ?? '', /Revert "Retry payments twice"/);
    assert.equal(revertPulls(`firebreak/revert-${h.checkout.slice(0, 7)}`).length, 0);
  });

  it('revert --yes opens one pull request that mitigates the incident; a rerun opens no second one', async () => {
    const { h, number, cwd } = await setUp();
    const branch = `firebreak/revert-${h.checkout.slice(0, 7)}`;
    const first = await run(['revert', String(number), h.checkout, '--yes'], cwd);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Opened pull request #\d+/);
    const [pull] = revertPulls(branch);
    assert.equal(pull?.title, 'Revert "Retry payments twice"');
    assert.match(pull?.body ?? '', new RegExp(`Mitigates incident #${number}\\b`));
    assert.equal(pull?.user.login, 'firebreak-dev');
    const again = await run(['revert', String(number), h.checkout, '--yes', '--json'], cwd);
    assert.equal(again.code, 0, again.err);
    assert.equal((JSON.parse(again.out) as { created: boolean }).created, false);
    assert.equal(revertPulls(branch).length, 1);
  });

  it('rollback --yes dispatches the rollback workflow with ref = the last good sha', async () => {
    const { h, number, cwd } = await setUp();
    const result = await run(['rollback', String(number), '--yes'], cwd);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(
      dispatchesOf(sandbox().store, REPO_SLUG).map((d) => d.inputs),
      [{ ref: h.good }],
    );
    const to = await run(['rollback', String(number), '--to', h.search, '--yes', '--json'], cwd);
    assert.equal(to.code, 0, to.err);
    assert.deepEqual(dispatchesOf(sandbox().store, REPO_SLUG).at(-1)?.inputs, { ref: h.search });
  });
});
