// Private incidents freeze too, and stay private: the Action's outputs, job summary, log and the sandbox's record of
// what it wrote never carry a private incident's title, number, link or people. A private repository the token
// cannot read fails the gate closed (on-private-error: fail, the default) or is reported (warn).
import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/domain/config';
import type { Sandbox } from '../../sandbox/server';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, errorOf, REPO, runAction, warningsOf, type ActionRun } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

const PRIVATE = 'acme/shop-private';
const CONFIG = `private-repository: ${PRIVATE}\n`;
const PULL_REQUEST = { pull_request: { number: 9 }, repository: { default_branch: 'main' } };
const OUTSIDER_TOKEN = 'sandbox-token-outsider';

/** A private incident with a title, lead and number that no output may show. */
async function declarePrivate(sandbox: Sandbox) {
  sandbox.store.ensureRepo(PRIVATE, { private: true });
  // Push the private numbering past the public one, so "#N" cannot be the public incident's number by chance.
  for (let i = 0; i < 40; i++) sandbox.store.createIssueDirect(PRIVATE, { title: `filler ${i}`, state: 'closed' });
  sandbox.store.putFileDirect(REPO, '.github/incidents.yml', CONFIG);
  const config = { ...defaultConfig(), privateRepository: { owner: 'acme', name: 'shop-private' } };
  return new DeclareIncident(world(sandbox, { config }).service({ actor: 'octo-comms' })).run({
    title: 'Globex card numbers exposed',
    severity: 'major',
    private: true,
    lead: 'octo-scribe',
    description: 'Reported by dana-at-globex',
  });
}

/** Everything the run printed, wrote to outputs and the summary. */
function everything(run: ActionRun): string {
  return [run.stdout, run.stderr, run.summary, ...Object.values(run.outputs)].join('\n');
}

function assertNamesNothing(run: ActionRun, incident: { number: number; url: string }): void {
  const text = everything(run);
  for (const secret of ['Globex', 'card numbers', 'octo-scribe', 'octo-comms', 'dana-at-globex', incident.url]) {
    assert.ok(!text.includes(secret), `"${secret}" leaked:\n${text}`);
  }
  assert.doesNotMatch(text, new RegExp(`#${incident.number}\\b|/issues/${incident.number}\\b|shop-private#`));
  assert.doesNotMatch(text, new RegExp(`"number":\\s*${incident.number}\\b`));
}

describe('action: freeze with private incidents', function () {
  this.timeout(30_000);
  const sandbox = useSandbox();
  before(buildAction);

  it('a private incident freezes, named only by severity and declaration time', async () => {
    const incident = await declarePrivate(sandbox());
    assert.ok(incident.number > 40);
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze' },
      eventName: 'pull_request',
      event: PULL_REQUEST,
    });
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.outputs['frozen'], 'true');
    const time = `${incident.timestamps.declared.slice(11, 16)} UTC`;
    assert.match(
      errorOf(run),
      new RegExp(`^Deploys are frozen by a private incident \\(severity major, declared ${time}\\)`),
    );
    assert.match(
      run.summary,
      new RegExp(`\\| A private incident \\(severity major, declared ${time}\\) \\| \`major\` \\|`),
    );
    const [listed] = JSON.parse(run.outputs['incidents'] ?? '[]') as Record<string, unknown>[];
    assert.deepEqual(Object.keys(listed ?? {}).sort(), ['age', 'declared', 'private', 'severity']);
    assertNamesNothing(run, incident);
    // One list of each repository, read together.
    const lists = sandbox().requests.filter((r) => r.method === 'GET' && /\/issues$/.test(r.path));
    assert.deepEqual(lists.map((r) => r.path).sort(), [`/repos/${PRIVATE}/issues`, `/repos/${REPO}/issues`]);
  });

  it('a bypass is recorded on the private incident too, and the outputs still name nothing', async () => {
    const incident = await declarePrivate(sandbox());
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze', bypass: 'true', 'bypass-reason': 'Rotating the leaked keys' },
      eventName: 'pull_request',
      event: PULL_REQUEST,
    });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs['bypassed'], 'true');
    assertNamesNothing(run, incident);
    const comments = sandbox().store.comments(PRIVATE, incident.number);
    assert.ok(comments.some((c) => /"kind":"bypass"/.test(c.body) && c.body.includes('Rotating the leaked keys')));
    assert.equal(sandbox().store.comments(REPO).length, 0, 'nothing about it in the public repository');
  });

  it('commit statuses flipped by a private incident name nothing either', async () => {
    const s = sandbox();
    s.store.setBranchDirect(REPO, 'main', '1'.repeat(40));
    s.store.createPullDirect(REPO, { title: 'Feature', headSha: '2'.repeat(40) });
    const incident = await declarePrivate(s);
    const run = await runAction(s, {
      inputs: { mode: 'freeze', 'commit-status': 'true', 'fail-on-freeze': 'false' },
      eventName: 'schedule',
      event: { repository: { default_branch: 'main' } },
      files: { '.github/incidents.yml': CONFIG },
    });
    assert.equal(run.code, 0, run.stdout);
    assertNamesNothing(run, incident);
    const statuses = (s.store.repo(REPO)?.statuses ?? []).map((st) => `${st.state} ${st.description} ${st.target_url}`);
    for (const text of statuses) {
      assert.match(text, /^(failure|pending) (Updating pull requests: )?Frozen by a private incident until resolved /);
      assert.ok(!text.includes('Globex') && !text.includes(`#${incident.number}`), text);
    }
    assert.equal(statuses.length, 3, 'the pull request, and the default branch: marked pending, then the record');
  });

  describe('when the token cannot read the private repository', () => {
    beforeEach(() => sandbox().store.addUser({ login: 'outsider', token: OUTSIDER_TOKEN, permission: 'none' }));

    it('fails closed by default, even with on-api-error: allow', async () => {
      const incident = await declarePrivate(sandbox());
      for (const onApiError of ['', 'allow']) {
        const run = await runAction(sandbox(), {
          inputs: { mode: 'freeze', 'github-token': OUTSIDER_TOKEN, 'on-api-error': onApiError },
          eventName: 'pull_request',
          event: PULL_REQUEST,
          secrets: [OUTSIDER_TOKEN],
        });
        assert.equal(run.code, 1, run.stdout);
        assert.equal(run.outputs['frozen'], 'true');
        assert.match(errorOf(run), /Could not read the private incidents/);
        assert.match(run.summary, /on-private-error: fail/);
        assertNamesNothing(run, incident);
      }
    });

    it('with on-private-error: warn it decides from the public incidents and warns', async () => {
      await declarePrivate(sandbox());
      const run = await runAction(sandbox(), {
        inputs: { mode: 'freeze', 'github-token': OUTSIDER_TOKEN, 'on-private-error': 'warn' },
        eventName: 'pull_request',
        event: PULL_REQUEST,
        secrets: [OUTSIDER_TOKEN],
      });
      assert.equal(run.code, 0, run.stdout);
      assert.equal(run.outputs['frozen'], 'false');
      assert.ok(warningsOf(run).some((w) => /Private incidents were not checked \(on-private-error: warn\)/.test(w)));
      assert.match(run.summary, /> ⚠️ Private incidents were not checked/);
    });

    it('an unknown on-private-error is refused', async () => {
      const run = await runAction(sandbox(), { inputs: { mode: 'freeze', 'on-private-error': 'ignore' } });
      assert.equal(run.code, 1);
      assert.match(errorOf(run), /Input on-private-error must be fail or warn, not "ignore"/);
    });
  });
});
