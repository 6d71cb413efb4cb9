import assert from 'node:assert/strict';
import { parseCodeowners } from '../../core/domain/codeowners';
import { addedRanges, environmentsFor, rankSuspects, type ChangedCommit } from '../../core/domain/suspects';

function aCommit(sha: string, files: string[] | undefined, date: string): ChangedCommit {
  return { sha, message: `Change ${sha}\n\nbody`, author: 'octo-dev', date, ...(files ? { files } : {}) };
}

const CHECKOUT = { name: 'checkout', paths: ['src/checkout/**'] };

describe('suspects ranking (pure)', () => {
  const older = aCommit('a', ['src/checkout/pay.ts'], '2026-01-01T10:00:00Z');
  const newer = aCommit('b', ['docs/readme.md'], '2026-01-01T11:00:00Z');
  const newest = aCommit('c', ['src/search/index.ts'], '2026-01-01T12:00:00Z');

  it("puts a change under the incident's service paths first, then the most recent", () => {
    const ranked = rankSuspects([older, newer, newest], { services: [CHECKOUT], codePaths: [] });
    assert.deepEqual(
      ranked.map((c) => c.sha),
      ['a', 'c', 'b'],
    );
    assert.equal(ranked[0]?.score, 100);
    assert.deepEqual(ranked[0]?.reasons, [
      'changes src/checkout/pay.ts, under the paths of service checkout',
      'deployed change 3 of 3, newest first',
    ]);
    assert.deepEqual(ranked[1]?.reasons, ['the most recent of the 3 deployed changes']);
  });

  it("ranks a file named by the timeline's code references like a service path, and both add up", () => {
    const ranked = rankSuspects([older, newer, newest], {
      services: [CHECKOUT],
      codePaths: ['./docs/readme.md', 'src/checkout/pay.ts'],
    });
    assert.deepEqual(
      ranked.map((c) => [c.sha, c.score]),
      [
        ['a', 200],
        ['b', 100],
        ['c', 0],
      ],
    );
    assert.match(ranked[1]?.reasons[0] ?? '', /docs\/readme\.md, named in the incident's timeline/);
  });

  it('breaks a tie with CODEOWNERS: files owned by someone on the incident rank above the newer change', () => {
    const codeowners = parseCodeowners('docs/ @octo-comms\nsrc/search/ @octo-search\n');
    const ranked = rankSuspects([newer, newest], { services: [], codePaths: [], codeowners, people: ['octo-comms'] });
    assert.deepEqual(
      ranked.map((c) => [c.sha, c.score]),
      [
        ['b', 10],
        ['c', 0],
      ],
    );
    assert.match(ranked[0]?.reasons[0] ?? '', /owned \(CODEOWNERS\) by @octo-comms, on this incident/);
  });

  it("says so when a commit's files were not read, and ranks it by recency alone", () => {
    const unread = aCommit('d', undefined, '2026-01-01T13:00:00Z');
    const [first] = rankSuspects([older, unread], { services: [], codePaths: [] });
    assert.equal(first?.sha, 'd');
    assert.match(first?.reasons.join('\n') ?? '', /files were not read/);
  });

  it("looks deployments up in the environments that deploy the incident's services", () => {
    const environments = { production: ['checkout', 'search'], staging: ['search'], docs: ['site'] };
    assert.deepEqual(environmentsFor(environments, ['search']), ['production', 'staging']);
    assert.deepEqual(environmentsFor(environments, []), ['production', 'staging', 'docs']);
    assert.deepEqual(environmentsFor(undefined, ['checkout']), ['production']);
  });

  it('finds the lines a commit added or changed from its zero-context diff, skipping pure deletions', () => {
    const diff = ['@@ -3 +3 @@', '-a', '+b', '@@ -10,2 +9,0 @@', '-x', '-y', '@@ -20,0 +21,4 @@', '+1'].join('\n');
    assert.deepEqual(addedRanges(diff), [
      { start: 3, count: 1 },
      { start: 21, count: 4 },
    ]);
  });
});
