import assert from 'node:assert/strict';
import { buildCodeRef } from '../../core/domain/code-ref';
import { parseConfig } from '../../core/domain/config';
import { carryRange, parseDiff, touchedLines } from '../../core/domain/line-map';
import { GitCli } from '../../core/git-cli';
import { IncidentHistory, renderReviewReport, reviewNotice, reviewOutput } from '../../core/use-cases/incident-history';
import { countRequests, REPO, serviceFor, useSandbox } from '../support/sandbox';
import { GitRepo, numberedLines, text } from '../support/git-repo';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ListIncidents } from '../../core/use-cases/list-incidents';
import { LogEntry } from '../../core/use-cases/log-entry';
import { RepairIncident } from '../../core/use-cases/repair-incident';

describe('line map: following lines through git diffs', () => {
  const hunks = parseDiff(
    [
      'diff --git a/src/x.ts b/src/y.ts',
      'similarity index 80%',
      'rename from src/x.ts',
      'rename to src/y.ts',
      '--- a/src/x.ts',
      '+++ b/src/y.ts',
      '@@ -0,0 +1,2 @@',
      '+one',
      '+two',
      '@@ -5,2 +7 @@',
      '--- a/not-a-header',
      '-gone',
      '+replaced',
      '@@ -9 +10,0 @@',
      '-deleted',
      'diff --git a/new.ts b/new.ts',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.ts',
      '@@ -0,0 +1 @@',
      '+hi',
    ].join('\n'),
  );

  it('reads renames, new files and hunks, and never takes a removed line for a header', () => {
    assert.equal(hunks.length, 2);
    assert.deepEqual({ old: hunks[0]?.oldPath, new: hunks[0]?.newPath }, { old: 'src/x.ts', new: 'src/y.ts' });
    assert.deepEqual(hunks[0]?.hunks, [
      { oldStart: 0, oldCount: 0, newStart: 1, newCount: 2 },
      { oldStart: 5, oldCount: 2, newStart: 7, newCount: 1 },
      { oldStart: 9, oldCount: 1, newStart: 10, newCount: 0 },
    ]);
    assert.equal(hunks[1]?.oldPath, undefined);
  });

  it('carries lines: shifted, rewritten into their block, deleted ones dropped', () => {
    const h = hunks[0]?.hunks ?? [];
    assert.deepEqual(carryRange([2, 3], h), [4, 5]);
    assert.deepEqual(carryRange([4, 6], h), [6, 7]);
    assert.deepEqual(carryRange([9, 9], h), undefined);
    assert.deepEqual(carryRange([8, 10], h), [9, 10]);
  });

  it('touches the new lines of a change to the range, none for deleted lines', () => {
    const h = hunks[0]?.hunks ?? [];
    assert.deepEqual(touchedLines([5, 5], h), [[7, 7]]);
    assert.deepEqual(touchedLines([9, 9], h), []);
    assert.deepEqual(touchedLines([1, 3], h), []);
    assert.deepEqual(touchedLines([3, 4], [{ oldStart: 3, oldCount: 0, newStart: 4, newCount: 2 }]), [[4, 5]]);
    assert.deepEqual(touchedLines([2, 6], [{ oldStart: 4, oldCount: 2, newStart: 4, newCount: 2 }]), [[4, 5]]);
  });
});

describe('incident history against the sandbox and a git repository', () => {
  const sandbox = useSandbox();
  let repo: GitRepo;
  beforeEach(() => {
    repo = new GitRepo();
  });
  afterEach(() => repo.dispose());

  it('repair recomputes the code label from the timeline', async () => {
    const { service, gateway } = serviceFor(sandbox());
    const commit = repo.write('a.ts', 'x\n').commit('a');
    const code = buildCodeRef({ repo: REPO, webUrl: sandbox().webUrl, commit, path: 'a.ts', startLine: 1, endLine: 1 });
    const withCode = await new DeclareIncident(service).run({ title: 'With code', severity: 'minor' });
    await new LogEntry(service).run(withCode.number, { kind: 'action', text: 'Looked at a.ts', code });
    const without = await new DeclareIncident(service).run({ title: 'Without code', severity: 'minor' });
    await gateway.updateIssue(withCode.number, {
      labels: ['incident', 'severity:minor', 'status:declared', 'role:lead'],
    });
    await gateway.addLabels(without.number, ['incident:code']);
    const repaired = await new RepairIncident(service).run(withCode.number);
    assert.ok(repaired.changed.includes('labels'));
    assert.ok((await gateway.getIssue(withCode.number)).labels.includes('incident:code'));
    await new RepairIncident(service).run(without.number);
    assert.ok(!(await gateway.getIssue(without.number)).labels.includes('incident:code'));
    assert.deepEqual((await new RepairIncident(service).run(withCode.number)).changed, []);
  });

  it('a second entry with code on a held, labelled incident is one request', async () => {
    const { service } = serviceFor(sandbox());
    const commit = repo.write('a.ts', 'x\n').commit('a');
    const code = buildCodeRef({ repo: REPO, webUrl: sandbox().webUrl, commit, path: 'a.ts', startLine: 1, endLine: 1 });
    const incident = await new DeclareIncident(service).run({ title: 'Held', severity: 'minor' });
    const first = await countRequests(sandbox(), () =>
      new LogEntry(service).run(incident, { kind: 'action', text: 'one', code }),
    );
    // + the writer's permission, read once per process while the comment is sent.
    assert.equal(first.requests.length, 2 + 1, 'the comment and the label');
    const listed = (await new ListIncidents(service).run()).find((i) => i.number === incident.number);
    assert.ok(listed);
    const second = await countRequests(sandbox(), () =>
      new LogEntry(service).run(listed, { kind: 'action', text: 'two', code }),
    );
    assert.equal(second.requests.length, 1);
  });

  it('history lists the incidents that touched a file in the working tree; private ones are marked', async () => {
    const config = parseConfig('repository: acme/shop\nprivate-repository: acme/secret\n');
    const { service, connection } = serviceFor(sandbox(), { config });
    const old = repo.write('src/pay.ts', text(numberedLines('pay', 20))).commit('old');
    const code = (startLine: number, endLine: number) =>
      buildCodeRef({ repo: REPO, webUrl: sandbox().webUrl, commit: old, path: 'src/pay.ts', startLine, endLine });
    const open = await new DeclareIncident(service).run({ title: 'Public one', severity: 'major' });
    await new LogEntry(service).run(open, { kind: 'action', text: 'Restarted pay', code: code(3, 4) });
    const secret = await new DeclareIncident(service).run({ title: 'Leaked key', severity: 'critical', private: true });
    await new LogEntry(service).run(secret, { kind: 'action', text: 'Rotated the key in pay', code: code(10, 10) });
    // Uncommitted edits count: two lines above everything.
    repo.write('src/pay.ts', text(['// a', '// b', ...numberedLines('pay', 20)]));

    const history = new IncidentHistory({
      config,
      gateway: connection.gateway,
      ...(connection.privateGateway ? { privateGateway: connection.privateGateway } : {}),
      git: new GitCli(repo.dir),
      codeRepo: 'acme/shop',
    });
    const all = await history.history('src/pay.ts', undefined, { includePrivate: true });
    assert.deepEqual(
      all.mentions.map((m) => ({ n: m.incident.number, range: m.range, private: m.private })),
      [
        { n: open.number, range: [5, 6], private: false },
        { n: secret.number, range: [12, 12], private: true },
      ],
    );
    const lines = await history.history('src/pay.ts', [12, 14]);
    assert.deepEqual(
      lines.mentions.map((m) => m.incident.number),
      [],
      'without includePrivate, the private repository is not read',
    );

    // A review shows a private incident without its words unless asked to.
    const base = repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write('src/pay.ts', text(['// a', '// b', ...numberedLines('pay', 20).map((l) => `${l}!`)]));
    const head = repo.commit('head');
    const result = await history.review(base, head, { includePrivate: true });
    assert.equal(result.annotations.length, 2);
    const privateNotice = reviewNotice(result.annotations[1] ?? result.annotations[0]!, false);
    assert.equal(privateNotice.message, `A private incident (${secret.timestamps.declared.slice(0, 10)})`);
    assert.doesNotMatch(JSON.stringify(reviewOutput(result, false)), /Leaked key|Rotated/);
    assert.doesNotMatch(renderReviewReport(result, { includePrivate: false }), /Leaked key|Rotated/);
    assert.match(JSON.stringify(reviewOutput(result, true)), /Leaked key/);
  });
});
