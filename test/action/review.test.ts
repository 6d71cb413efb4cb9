import assert from 'node:assert/strict';
import { buildCodeRef } from '../../core/domain/code-ref';
import { REPO as REPO_REF } from '../support/fixtures';
import { GitRepo, numberedLines, text } from '../support/git-repo';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, runAction, type ActionRun } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

interface Notice {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly title: string;
  readonly message: string;
}

/** `::notice file=…,line=…,endLine=…,title=…::message` commands, decoded. */
function noticesOf(run: ActionRun): Notice[] {
  const decode = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',');
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::notice '))
    .map((l) => {
      const match = /^::notice (.*?)::(.*)$/.exec(l);
      const props = Object.fromEntries(
        (match?.[1] ?? '').split(',').map((p) => {
          const [k = '', ...v] = p.split('=');
          return [k, decode(v.join('='))];
        }),
      );
      return {
        file: props['file'] ?? '',
        line: Number(props['line']),
        endLine: Number(props['endLine']),
        title: props['title'] ?? '',
        message: decode(match?.[2] ?? '').replace(/%25/g, '%'),
      };
    });
}

describe('action: review (past incidents in a pull request)', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  let repo: GitRepo;
  before(buildAction);
  beforeEach(() => {
    repo = new GitRepo();
  });
  afterEach(() => repo.dispose());

  it('annotates the changed lines of the new files that entries pointed at, carried from their commit; deleted lines get none; a rerun changes nothing', async () => {
    const pay = numberedLines('pay', 30);
    const util = numberedLines('util', 10);
    repo.write('src/pay.ts', text(pay)).write('src/old-name.ts', text(util)).write('README.md', 'shop\n');
    const old = repo.commit('the code when the incidents happened');

    const w = world(sandbox());
    const service = w.service();
    const at = (path: string, startLine: number, endLine: number) =>
      buildCodeRef({ repo: REPO_REF, webUrl: sandbox().webUrl, commit: old, path, startLine, endLine });
    const checkout = await new DeclareIncident(service).run({ title: 'Checkout returns 500s', severity: 'critical' });
    await new LogEntry(service).run(checkout, {
      kind: 'action',
      text: 'Rolled back payments deploy 4711',
      code: at('src/pay.ts', 10, 12),
    });
    await new LogEntry(service).run(checkout, {
      kind: 'theory',
      text: 'Retry loop hammered the card API',
      code: at('src/old-name.ts', 5, 6),
    });
    await new ResolveIncident(service).run(checkout.number, 'Payments are back.');
    const coupons = await new DeclareIncident(service).run({ title: 'Coupons apply twice', severity: 'major' });
    await new LogEntry(service).run(coupons, {
      kind: 'decision',
      text: 'Disabled the coupon path',
      code: at('src/pay.ts', 20, 21),
    });
    const timeouts = await new DeclareIncident(service).run({ title: 'Timeouts at the edge', severity: 'minor' });
    await new LogEntry(service).run(timeouts, {
      kind: 'action',
      text: 'Raised the timeout',
      code: at('src/pay.ts', 28, 29),
    });
    const quiet = await new DeclareIncident(service).run({ title: 'Search slow', severity: 'minor' });
    await new LogEntry(service).run(quiet, { kind: 'observation', text: 'p95 is 3 s' });

    const labelled = async (n: number) => (await w.gateway.getIssue(n)).labels.includes('incident:code');
    assert.equal(await labelled(checkout.number), true, 'the label stays on through the resolve');
    assert.equal(await labelled(coupons.number), true);
    assert.equal(await labelled(quiet.number), false, 'an incident without code references is not labelled');

    // The base branch moved the code since: five lines above it, the file of the second reference renamed with two
    // lines above, and the lines of the timeout entry deleted.
    repo.write('src/pay.ts', text([...numberedLines('header', 5), ...pay.slice(0, 27), ...pay.slice(29)]));
    repo.move('src/old-name.ts', 'lib/new-name.ts').write('lib/new-name.ts', text(['// utilities', '', ...util]));
    const base = repo.commit('move things around');

    // The pull request: three lines above everything, an edit of a referenced line (pay 11, base line 16), the
    // coupon lines deleted (base 25-26), an edit of a line nobody referenced, and an edit in the renamed file.
    repo.git('checkout', '--quiet', '-b', 'feature');
    const header = numberedLines('header', 5).map((l) => (l === 'header 2' ? 'header 2 (changed)' : l));
    const body = pay.slice(0, 27).filter((l) => l !== 'pay 20' && l !== 'pay 21');
    repo.write(
      'src/pay.ts',
      text([
        'import a',
        'import b',
        'import c',
        ...header,
        ...body.map((l) => (l === 'pay 11' ? 'pay 11 (changed)' : l)),
        ...pay.slice(29),
      ]),
    );
    repo.write('lib/new-name.ts', text(['// utilities', '', ...util.map((l) => (l === 'util 6' ? 'util six' : l))]));
    const head = repo.commit('the change under review');

    const review = () =>
      runAction(sandbox(), {
        inputs: { mode: 'review' },
        eventName: 'pull_request',
        event: { pull_request: { number: 7, base: { sha: base }, head: { sha: head } } },
        env: { GITHUB_WORKSPACE: repo.dir },
      });
    const before = sandbox().requests.length;
    const run = await review();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const notices = noticesOf(run);
    assert.deepEqual(
      notices.map(({ file, line, endLine }) => ({ file, line, endLine })),
      [
        { file: 'lib/new-name.ts', line: 8, endLine: 8 },
        { file: 'src/pay.ts', line: 19, endLine: 19 },
      ],
      run.stdout,
    );
    assert.match(
      notices[1]?.message ?? '',
      /^Incident #\d+ "Checkout returns 500s" \(critical, \d{4}-\d\d-\d\d\): Rolled back payments deploy 4711/,
    );
    assert.match(notices[0]?.message ?? '', /Retry loop hammered the card API/);
    assert.equal(notices[1]?.title, 'Changes lines of a past incident');
    assert.doesNotMatch(run.stdout, /Coupons apply twice|Timeouts at the edge|Search slow/);

    const output = JSON.parse(run.outputs['incidents'] ?? '[]') as { number: number; lines: { path: string }[] }[];
    assert.deepEqual(
      output.map((i) => i.number),
      [checkout.number],
    );
    assert.deepEqual(output[0]?.lines.map((l) => l.path).sort(), ['lib/new-name.ts', 'src/pay.ts']);
    assert.match(run.summary, /## 🧯 Past incidents in this change/);
    assert.match(
      run.summary,
      new RegExp(`\\[#${checkout.number}\\]\\(.*/issues/${checkout.number}\\) Checkout returns 500s`),
    );
    assert.match(run.summary, /`src\/pay.ts:19-19`/);
    assert.match(run.summary, /1 code reference\(s\) point at lines deleted since/);

    const again = await review();
    assert.equal(again.code, 0);
    assert.deepEqual(noticesOf(again), notices, 'a rerun annotates the same lines');
    assert.equal(again.outputs['incidents'], run.outputs['incidents']);
    const writes = sandbox()
      .requests.slice(before)
      .filter((r) => r.method !== 'GET');
    assert.deepEqual(writes, [], 'review only reads');
  });

  it('informs without failing when the event is not a pull request', async () => {
    const run = await runAction(sandbox(), {
      inputs: { mode: 'review' },
      eventName: 'push',
      env: { GITHUB_WORKSPACE: repo.dir },
    });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /mode: review runs on pull_request events/);
    assert.equal(run.outputs['incidents'], '[]');
  });
});
