// The CLI's request budgets, measured as a person runs it: one process per command, counting what the sandbox
// received. A token's first command learns who it belongs to (GET /user) and colors the labels GitHub created on
// first use; after that: declare 2 (the active list for the one-team check, then the issue; 1 with --force), log 1,
// severity/status/role by number 4 in 3 round trips (the issue and its comments read together, entry, view), plus the
// writer's permission (read with the entry) and one request per label it adds or removes.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useSandbox } from '../support/sandbox';

const ROOT = join(__dirname, '..', '..');
const TOKEN = 'sandbox-token';
const run = promisify(execFile);

describe('firebreak CLI: requests per process', function () {
  this.timeout(120_000);
  const box = useSandbox();
  const sandbox = () => box.get();
  let cacheDir: string;
  let cwd: string;

  before(() => {
    execFileSync('node', ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT });
    cacheDir = mkdtempSync(join(tmpdir(), 'firebreak-cache-'));
    cwd = mkdtempSync(join(tmpdir(), 'firebreak-budget-'));
  });

  /** Runs one CLI process (async, so the in-process sandbox can answer) and returns the requests it made. */
  async function cli(...args: string[]) {
    const start = sandbox().requests.length;
    const result = await run(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args, '--repo', 'acme/budget'], {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        GITHUB_API_URL: sandbox().url,
        GITHUB_SERVER_URL: sandbox().webUrl,
        GITHUB_TOKEN: TOKEN,
        FIREBREAK_CACHE_DIR: cacheDir,
      },
    });
    const requests = sandbox()
      .requests.slice(start)
      .map((r) => `${r.method} ${r.path}`);
    return { stdout: result.stdout, requests };
  }

  it('pays GET /user and label colors once per token and repository, then declare costs 2 (1 forced), log 1', async () => {
    const first = await cli('declare', '--title', 'Queue backs up', '--severity', 'major');
    assert.ok(first.requests.includes('GET /user'), first.requests.join('\n'));
    assert.ok(
      first.requests.some((r) => r.startsWith('PATCH /repos/acme/budget/labels/')),
      'the labels GitHub created grey get their colors',
    );

    const checked = await cli('declare', '--title', 'Search slow', '--severity', 'major');
    assert.deepEqual(checked.requests, ['GET /repos/acme/budget/issues', 'POST /repos/acme/budget/issues']);
    const declare = await cli('declare', '--title', 'Checkout slow', '--severity', 'major', '--force');
    assert.deepEqual(declare.requests, ['POST /repos/acme/budget/issues']);
    const number = /#(\d+)/.exec(declare.stdout)?.[1];
    assert.ok(number, declare.stdout);

    const log = await cli('log', number, '--kind', 'action', '--text', 'Restarted the queue workers');
    // + GitHub's permission for the token's user, sent with the comment: a token without push access is told that its
    // comment is no entry (author_association would not say: MEMBER includes read-only members).
    assert.deepEqual([...log.requests].sort(), [
      `GET /repos/acme/budget/collaborators/firebreak-dev/permission`,
      `POST /repos/acme/budget/issues/${number}/comments`,
    ]);

    // The identity is cached by a hash: the token is nowhere in the cache.
    const cached = readFileSync(join(cacheDir, 'identities.json'), 'utf8');
    assert.ok(!cached.includes(TOKEN));
  });

  it("severity, status and role changes by number cost 5 (issue and comments together, entry with the writer's permission, view) and one per label added or removed", async () => {
    const declared = await cli('declare', '--title', 'Search is down', '--severity', 'minor');
    const number = /#(\d+)/.exec(declared.stdout)?.[1] ?? '';
    // Each label's first use creates it grey; a first change of each kind also colors it. Count the second change.
    await cli('severity', number, 'critical');
    await cli('role', number, 'comms', 'octo-comms');
    await cli('update', number, '--text', 'Mitigated', '--status', 'monitoring');
    await cli('update', number, '--text', 'Found it', '--status', 'identified');
    // Labels are added (POST) and removed (DELETE) one at a time, never written back as the whole set that was
    // read, which would drop a label someone set in between (issue #20): a severity or status change swaps one label
    // for another (2 more), a new comms holder keeps the role:comms label (none).
    for (const [args, labelWrites] of [
      [['severity', number, 'major'], 2],
      [['severity', number, 'critical'], 2],
      [['role', number, 'comms', 'octo-lead'], 0],
      [['update', number, '--text', 'Still watching', '--status', 'monitoring'], 2],
    ] as const) {
      const change = await cli(...args);
      // Issue and comments (read together), entry, view, + the token user's permission, read with the entry (above).
      // A role for someone new to the incident also asks GitHub whether the login is a user, alongside the read.
      const lookup = args[0] === 'role' ? 1 : 0;
      assert.equal(
        change.requests.length,
        4 + 1 + labelWrites + lookup,
        `${args.join(' ')}:\n${change.requests.join('\n')}`,
      );
    }
  });
});
