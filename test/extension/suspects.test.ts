import assert from 'node:assert/strict';
import { loadSuspects, revertSuspect, rollBackDeploy } from '../../extension/flows/suspects';
import { dispatchesOf } from '../../sandbox/changes';
import { HISTORY_CONFIG, seedHistory, type History } from '../support/deploy-history';
import { REPO_SLUG, useSandbox, wired } from '../support/fixtures';
import { flowHarness } from './support/harness';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

describe('extension: what changed, Revert Suspect and Roll Back Deploy', () => {
  const sandbox = useSandbox({ per: 'test' });
  let history: History | undefined;
  afterEach(() => history?.repo.dispose());

  async function setUp() {
    history = seedHistory(sandbox());
    const incident = await new DeclareIncident(
      wired(sandbox(), { config: HISTORY_CONFIG }).serviceAs({ now: history.declareAt }),
    ).run({ title: 'Payments fail', severity: 'critical', services: ['checkout'] });
    const h = await flowHarness(sandbox(), { config: HISTORY_CONFIG });
    await h.store.setCurrent(incident);
    return { h, incident, history };
  }

  it("lists the current incident's suspects, the change under its service first", async () => {
    const { h, history: hist } = await setUp();
    const result = await loadSuspects(h.ctx, hist.repo.dir);
    assert.equal(result?.suspects[0]?.sha, hist.checkout);
    assert.equal(result?.suspects[0]?.pr?.title, 'Retry payments twice');
  });

  it('Revert Suspect confirms in a modal naming the branch and pull request, then opens the PR in the browser', async () => {
    const { h, incident, history: hist } = await setUp();
    h.answer({ pick: '1. Retry payments twice' }, { confirm: true });
    await revertSuspect(h.ctx, hist.repo.dir);
    const modal = h.prompter.asked.find((a) => a.kind === 'confirm');
    assert.match(modal?.text ?? '', new RegExp(`branch firebreak/revert-${hist.checkout.slice(0, 7)}`));
    assert.match(modal?.text ?? '', /pull request Revert "Retry payments twice"/);
    assert.match(modal?.text ?? '', new RegExp(`Mitigates incident #${incident.number}`));
    const pulls = sandbox()
      .store.issues(REPO_SLUG)
      .filter((i) => i.pull?.headRef === `firebreak/revert-${hist.checkout.slice(0, 7)}`);
    assert.equal(pulls.length, 1);
    assert.deepEqual(h.opened, [`${sandbox().webUrl}/${REPO_SLUG}/pull/${pulls[0]?.number}`]);
  });

  it('Roll Back Deploy does nothing when the modal is cancelled, and dispatches the workflow when confirmed', async () => {
    const { h, history: hist } = await setUp();
    h.answer({ confirm: false });
    await rollBackDeploy(h.ctx, hist.repo.dir);
    assert.deepEqual(dispatchesOf(sandbox().store, REPO_SLUG), []);
    h.answer({ confirm: true });
    await rollBackDeploy(h.ctx, hist.repo.dir);
    const modal = h.prompter.asked.filter((a) => a.kind === 'confirm').at(-1);
    assert.match(modal?.text ?? '', /run workflow rollback\.yml on main/);
    assert.deepEqual(
      dispatchesOf(sandbox().store, REPO_SLUG).map((d) => d.inputs),
      [{ ref: hist.good }],
    );
    assert.equal(h.opened.length, 1);
  });
});
