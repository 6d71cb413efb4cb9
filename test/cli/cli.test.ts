import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { teamMentions } from '../../core/domain/markdown';
import { useSandbox } from '../support/sandbox';

const ROOT = join(__dirname, '..', '..');

/** A git checkout with an origin remote and a commit, as a user's repository would be. */
function aCheckout(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-cli-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  git('remote', 'add', 'origin', 'https://github.com/acme/shop.git');
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, 'src', 'worker.ts'),
    ['export function restart() {', '  queue.drain();', '  process.exit(1);', '}', ''].join('\n'),
  );
  if (config !== undefined) {
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'incidents.yml'), config);
  }
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  return dir;
}

describe('firebreak CLI', () => {
  const sandboxRef = useSandbox();
  const sandbox = () => sandboxRef.get();
  const cacheDir = mkdtempSync(join(tmpdir(), 'firebreak-cache-'));

  async function run(args: string[], cwd: string, env: Record<string, string> = {}, stdin?: string) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      {
        GITHUB_API_URL: sandbox().url,
        GITHUB_TOKEN: 'sandbox-token',
        GITHUB_SERVER_URL: sandbox().webUrl,
        FIREBREAK_CACHE_DIR: cacheDir,
        ...env,
      },
      {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        ...(stdin !== undefined ? { in: () => Promise.resolve(stdin) } : {}),
      },
      cwd,
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  describe('private incidents stay in their repository', () => {
    const CONFIG = 'repository: acme/ops\nprivate-repository: acme/ops-private\n';

    it('prints the private reference, keeps to it, and refuses the bare number that would post publicly', async () => {
      sandbox().store.ensureRepo('acme/ops-private', { private: true });
      // The public repository has an ordinary issue #1: the number alone must not reach it.
      sandbox().store.createIssueDirect('acme/ops', { title: 'Unrelated public issue', author: 'octo-lead' });
      const cwd = aCheckout(CONFIG);
      const declared = await run(['declare', '--private', '--title', 'Leaked customer data', '--json'], cwd);
      assert.equal(declared.code, 0, declared.err);
      const { number, reference } = JSON.parse(declared.out) as { number: number; reference: string };
      assert.equal(reference, `acme/ops-private#${number}`);
      const human = await run(['show', reference], cwd);
      assert.equal(human.code, 0, human.err);
      assert.match(human.out, new RegExp(`^acme/ops-private#${number} Leaked customer data`));

      const publicBefore = sandbox().store.comments('acme/ops').length;
      for (const args of [
        ['log', String(number), '--text', 'Rotated the leaked key'],
        ['update', `#${number}`, '--text', 'Contained'],
        ['severity', String(number), 'critical'],
        ['show', String(number)],
      ]) {
        const refused = await run(args, cwd);
        assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.out}`);
        assert.match(refused.err, new RegExp(`acme/ops#${number} is not an incident; acme/ops-private#${number} is`));
      }
      assert.equal(sandbox().store.comments('acme/ops').length, publicBefore, 'nothing was written publicly');

      const logged = await run(['log', reference, '--text', 'Rotated the leaked key'], cwd);
      assert.equal(logged.code, 0, logged.err);
      assert.match(logged.out, new RegExp(`Logged action on acme/ops-private#${number}`));
      const severity = await run(['severity', reference, 'critical'], cwd);
      assert.equal(severity.code, 0, severity.err);
      assert.match(severity.out, new RegExp(`Severity set on acme/ops-private#${number}`));
      assert.equal(sandbox().store.comments('acme/ops-private', number).length, 2);
      assert.equal(sandbox().store.comments('acme/ops').length, publicBefore);
    });

    it('refuses to declare a private incident into a repository that is public on GitHub', async () => {
      sandbox().store.ensureRepo('acme/ops2-private', { private: false });
      const cwd = aCheckout('repository: acme/ops2\nprivate-repository: acme/ops2-private\n');
      const before = sandbox().store.issues('acme/ops2-private').length;
      const declared = await run(['declare', '--private', '--title', 'Leak'], cwd);
      assert.equal(declared.code, 2, declared.out);
      assert.match(declared.err, /acme\/ops2-private .* is public on GitHub/);
      assert.equal(sandbox().store.issues('acme/ops2-private').length, before, 'nothing was declared');
    });

    it('refuses an incident repository (from --repo or the remote) that is also the private one', async () => {
      const cwd = aCheckout('private-repository: acme/shop\n');
      const result = await run(['list'], cwd);
      assert.equal(result.code, 2);
      assert.match(result.err, /The incident repository acme\/shop is also the private repository/);
    });

    it('checks visibility only for private declares: a public declare makes no repository request', async () => {
      const cwd = aCheckout('repository: acme/ops3\nprivate-repository: acme/ops3-private\n');
      const start = sandbox().requests.length;
      const declared = await run(['declare', '--title', 'Public one'], cwd);
      assert.equal(declared.code, 0, declared.err);
      const paths = sandbox()
        .requests.slice(start)
        .map((r) => `${r.method} ${r.path}`);
      assert.ok(!paths.some((p) => /^GET \/repos\/[^/]+\/[^/]+$/.test(p)), paths.join('\n'));
    });
  });

  it('history lists the incidents whose entries pointed at a file, with their lines followed to the working tree', async () => {
    const cwd = aCheckout();
    const declared = await run(['declare', '--title', 'Worker crash loop', '--severity', 'major', '--json'], cwd);
    assert.equal(declared.code, 0, declared.err);
    const { number } = JSON.parse(declared.out) as { number: number };
    const logged = await run(
      ['log', String(number), '--text', 'Worker exits on drain', '--file', 'src/worker.ts', '--lines', '2-3'],
      cwd,
    );
    assert.equal(logged.code, 0, logged.err);
    // Edited since, not committed: a line above the referenced ones.
    writeFileSync(
      join(cwd, 'src', 'worker.ts'),
      ['// restarts the worker', 'export function restart() {', '  queue.drain();', '  process.exit(1);', '}', ''].join(
        '\n',
      ),
    );
    const hit = await run(['history', 'src/worker.ts:4'], cwd);
    assert.equal(hit.code, 0, hit.err);
    assert.match(hit.out, new RegExp(`#${number} Worker crash loop \\(major, declared\\)`));
    assert.match(hit.out, /lines 3-4, action by @firebreak-dev on \d{4}-\d\d-\d\d: Worker exits on drain/);
    const miss = await run(['history', 'src/worker.ts:1'], cwd);
    assert.match(miss.out, /No past incident touched src\/worker.ts:1-1 in the last 365 days/);
    const json = await run(['history', 'src/worker.ts', '--json'], cwd);
    assert.deepEqual(
      (JSON.parse(json.out) as { number: number; startLine: number; endLine: number }[]).map((m) => [
        m.number,
        m.startLine,
        m.endLine,
      ]),
      [[number, 3, 4]],
    );
    const bad = await run(['history', 'src/worker.ts:9-2'], cwd);
    assert.equal(bad.code, 2);
  });
  it('reads only decimal incident numbers: 1e0 and 0x1 are not #1', async () => {
    const cwd = aCheckout('repository: acme/numbers\n');
    const declared = await run(['declare', '--title', 'Numbers'], cwd);
    assert.equal(declared.code, 0, declared.err);
    for (const bad of ['1e0', '0x1', '1.0', ' 1', '+1', '1#', 'acme/../x#1', '99999999999']) {
      const result = await run(['log', bad, '--text', 'x'], cwd);
      assert.equal(result.code, 2, `${bad}: ${result.out}`);
      assert.match(result.err, /invalid incident number/);
    }
    assert.equal(sandbox().store.comments('acme/numbers').length, 0);
    const plain = await run(['log', '#1', '--text', 'x'], cwd);
    assert.equal(plain.code, 0, plain.err);
  });

  it('reads long text from a file or from stdin', async () => {
    const cwd = aCheckout('repository: acme/texts\n');
    const declared = await run(
      ['declare', '--title', 'Texts', '--description-file', '-', '--json'],
      cwd,
      {},
      'From stdin',
    );
    assert.equal(declared.code, 0, declared.err);
    const { number } = JSON.parse(declared.out) as { number: number };
    assert.match(sandbox().store.issue('acme/texts', number)?.body ?? '', /From stdin/);
    const long = `${'A long observation. '.repeat(500)}END`;
    writeFileSync(join(cwd, 'note.md'), long);
    const logged = await run(['log', String(number), '--kind', 'observation', '--text-file', 'note.md'], cwd);
    assert.equal(logged.code, 0, logged.err);
    const piped = await run(['update', String(number), '--text-file', '-'], cwd, {}, 'Update from a pipe');
    assert.equal(piped.code, 0, piped.err);
    const bodies = sandbox()
      .store.comments('acme/texts', number)
      .map((c) => c.body);
    assert.ok(bodies[0]?.includes('END'), 'the whole file was logged');
    assert.ok(bodies[1]?.includes('Update from a pipe'));
    const both = await run(['log', String(number), '--text', 'x', '--text-file', 'note.md'], cwd);
    assert.equal(both.code, 2);
    assert.match(both.err, /not both/);
  });

  it('quotes only files inside the repository, after resolving symlinks', async () => {
    const cwd = aCheckout('repository: acme/quotes\n');
    symlinkSync('/etc/passwd', join(cwd, 'src', 'innocent.ts'));
    const declared = await run(['declare', '--title', 'Quotes', '--json'], cwd);
    const { number } = JSON.parse(declared.out) as { number: number };
    for (const file of ['/etc/passwd', '../../../../../../etc/passwd', 'src/innocent.ts', '.git/config']) {
      const result = await run(['log', String(number), '--text', 'x', '--file', file], cwd);
      assert.equal(result.code, 2, `${file}: ${result.out}`);
      assert.match(result.err, /Cannot quote .*(outside the repository|git's own files)/, file);
    }
    assert.equal(sandbox().store.comments('acme/quotes', number).length, 0);
    const inside = await run(
      ['log', String(number), '--text', 'x', '--file', 'worker.ts', '--lines', '2'],
      join(cwd, 'src'),
    );
    assert.equal(inside.code, 0, inside.err);
    assert.match(sandbox().store.comments('acme/quotes', number)[0]?.body ?? '', /src\/worker\.ts#L2/);
  });

  it('prints titles without terminal escapes in list and show (JSON keeps them, escaped)', async () => {
    const cwd = aCheckout('repository: acme/escapes\n');
    const title = 'DB down\u001b[2J\u001b]52;c;ZWNobyBwd25lZA==\u0007\u0007\u202Eevil\u009b31m';
    sandbox().store.ensureRepo('acme/escapes');
    const issue = sandbox().store.createIssueDirect('acme/escapes', {
      title,
      labels: ['incident', 'severity:critical'],
      author: 'firebreak-dev',
    });
    for (const args of [['list'], ['show', String(issue.number)]]) {
      const result = await run(args, cwd);
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, /DB downevil31m/, args[0]);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/.test(result.out), JSON.stringify(result.out));
    }
    const json = await run(['list', '--json'], cwd);
    assert.equal((JSON.parse(json.out) as { title: string }[])[0]?.title, title);
  });

  it('says what is wrong with the API URL at once, and names a refused connection without retrying', async () => {
    const cwd = aCheckout('repository: acme/urls\n');
    const bad = await run(['list'], cwd, { GITHUB_API_URL: 'not a url' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /GITHUB_API_URL "not a url" is not a valid API URL/);
    const ftp = await run(['list', '--api-url', 'ftp://api.example.com'], cwd);
    assert.equal(ftp.code, 2);
    assert.match(ftp.err, /--api-url .* uses the unsupported protocol ftp/);
    const closed = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const refused = await run(['list'], cwd, { GITHUB_API_URL: `http://127.0.0.1:${closed}` });
    assert.equal(refused.code, 1);
    assert.match(refused.err, new RegExp(`connection refused by 127\\.0\\.0\\.1:${closed}`));
    assert.ok(!/HTTP 500/.test(refused.err), refused.err);
    assert.ok(Date.now() - started < 3000, `failed after ${Date.now() - started} ms`);
  });

  it('runs a whole incident: declare, log with a code reference, update, severity, role, show, resolve, repair', async () => {
    const cwd = aCheckout('repository: acme/cli\n');
    const declared = await run(['declare', '--title', 'Queue backs up', '--severity', 'minor', '--json'], cwd);
    assert.equal(declared.code, 0, declared.err);
    const { number, url, severity, status } = JSON.parse(declared.out) as {
      number: number;
      url: string;
      severity: string;
      status: string;
    };
    assert.deepEqual({ severity, status }, { severity: 'minor', status: 'declared' });
    assert.equal(url, `${sandbox().webUrl}/acme/cli/issues/${number}`);

    const logged = await run(
      [
        'log',
        String(number),
        '--kind',
        'action',
        '--text',
        'Drained the queue',
        '--file',
        'src/worker.ts',
        '--lines',
        '2-3',
        '--destructive',
      ],
      cwd,
    );
    assert.equal(logged.code, 0, logged.err);
    assert.match(logged.err, /is not pushed/, 'warns that the permalink will not resolve yet');
    const comment = sandbox().store.comments('acme/cli', number)[0];
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    assert.ok(
      comment?.body.includes(`${sandbox().webUrl}/acme/shop/blob/${commit}/src/worker.ts#L2-L3`),
      comment?.body,
    );
    assert.ok(comment?.body.includes('process.exit(1);'));

    for (const args of [
      ['update', String(number), '--text', 'Workers restarted', '--status', 'identified'],
      ['severity', String(number), 'major', '--reason', 'More customers affected'],
      ['role', String(number), 'comms', '@octo-comms'],
    ]) {
      const result = await run(args, cwd);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.err}`);
    }
    const shown = await run(['show', String(number), '--json'], cwd);
    const incident = JSON.parse(shown.out) as {
      severity: string;
      status: string;
      roles: Record<string, string>;
      timeline: { kind: string }[];
    };
    assert.equal(incident.severity, 'major');
    assert.equal(incident.status, 'identified');
    assert.equal(incident.roles['comms'], 'octo-comms');
    assert.deepEqual(
      incident.timeline.map((e) => e.kind),
      ['action', 'update', 'severity', 'role'],
    );

    const listed = await run(['list'], cwd);
    assert.match(listed.out, /Queue backs up/);
    const resolved = await run(['resolve', String(number), '--text', 'Fixed'], cwd);
    assert.match(resolved.out, /Resolved #\d+/);
    const repaired = await run(['repair', String(number)], cwd);
    assert.match(repaired.out, /consistent with its timeline/);
  });

  it('finds the incident repository from the origin remote when nothing else names it', async () => {
    const cwd = aCheckout();
    const declared = await run(['declare', '--title', 'From remote', '--json'], cwd);
    assert.equal(declared.code, 0, declared.err);
    assert.match((JSON.parse(declared.out) as { url: string }).url, /\/acme\/shop\/issues\/\d+$/);
  });

  it('exits 2 with a clear message on bad input, and 1 when GitHub refuses', async () => {
    const cwd = aCheckout();
    const noTitle = await run(['declare'], cwd);
    assert.equal(noTitle.code, 2);
    assert.match(noTitle.err, /Missing --title/);
    const badSeverity = await run(['declare', '--title', 'x', '--severity', 'huge'], cwd);
    assert.equal(badSeverity.code, 2);
    assert.match(badSeverity.err, /Unknown severity "huge"[\s\S]*critical, major, minor, triage/);
    const unknownFlag = await run(['declare', '--titel', 'x'], cwd);
    assert.equal(unknownFlag.code, 2);
    const noToken = await run(['declare', '--title', 'x'], cwd, { GITHUB_TOKEN: '' });
    assert.match(noToken.err, /No GitHub token[\s\S]*GITHUB_TOKEN/);
    const badToken = await run(['declare', '--title', 'x'], cwd, { GITHUB_TOKEN: 'ghp_secret_value_1' });
    assert.equal(badToken.code, 1);
    assert.match(badToken.err, /did not accept the token/);
    assert.ok(!badToken.err.includes('ghp_secret_value_1'));
  });

  it('checks the deploy freeze, opens follow-ups from the retro and prints the status summary', async () => {
    const cwd = aCheckout('repository: acme/cli-action\n');
    const clear = await run(['freeze', '--json'], cwd);
    assert.equal(clear.code, 0, clear.err);
    assert.equal((JSON.parse(clear.out) as { frozen: boolean }).frozen, false);

    const declared = await run(['declare', '--title', 'Database failover', '--severity', 'critical', '--json'], cwd);
    const { number } = JSON.parse(declared.out) as { number: number };
    const frozen = await run(['freeze'], cwd);
    assert.equal(frozen.code, 1, 'exit 1 while frozen');
    assert.match(frozen.out, /Database failover/);

    writeFileSync(
      join(cwd, 'retro.md'),
      '# Retro\n\n## Action items\n- [ ] Add a failover runbook @octo-lead due:2026-12-01 priority:P1 type:process\n',
    );
    const posted = await run(['retro', String(number), '--post', 'retro.md'], cwd);
    assert.equal(posted.code, 0, posted.err);
    const followUps = await run(['follow-ups', String(number), '--json'], cwd);
    assert.equal(followUps.code, 0, followUps.err);
    assert.equal((JSON.parse(followUps.out) as { created: unknown[] }).created.length, 1);
    const rerun = await run(['follow-ups', String(number), '--json'], cwd);
    assert.equal((JSON.parse(rerun.out) as { created: unknown[] }).created.length, 0, 'a rerun creates nothing');

    const summary = await run(['status'], cwd);
    assert.equal(summary.code, 0, summary.err);
    assert.match(summary.out, /Database failover/);
    // The name it had before `status` (the Action's mode) still works.
    const old = await run(['summary'], cwd);
    assert.equal(old.code, 0, old.err);
    assert.match(old.out, /Database failover/);
  });

  it('declare names similar active incidents on stderr and exits 3; --force declares anyway', async () => {
    const cwd = aCheckout('services:\n  payments: { paths: ["src/**"] }\n');
    const first = await run(['declare', '--title', 'Payments time out', '--service', 'payments', '--json'], cwd);
    assert.equal(first.code, 0, first.err);
    const { number } = JSON.parse(first.out) as { number: number };
    const before = sandbox().store.issues('acme/shop').length;

    const refused = await run(['declare', '--title', 'Card payments fail', '--service', 'payments'], cwd);
    assert.equal(refused.code, 3);
    assert.equal(refused.out, '');
    assert.match(refused.err, /Not declared: an active incident looks like this one\./);
    assert.match(
      refused.err,
      new RegExp(`#${number} {2}Payments time out {2}\\(triage, lead @firebreak-dev; shares payments\\)`),
    );
    assert.match(refused.err, /declare anyway with --force/);
    assert.equal(sandbox().store.issues('acme/shop').length, before, 'nothing was declared');

    const forced = await run(['declare', '--title', 'Card payments fail', '--service', 'payments', '--force'], cwd);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /Declared #\d+/);
    assert.equal(sandbox().store.issues('acme/shop').length, before + 1);

    const other = await run(['declare', '--title', 'Search index stale'], cwd);
    assert.equal(other.code, 0, other.err);
  });

  it('freeze --hotfix N passes N’s freeze only and records one hotfix entry per commit', async () => {
    const cwd = aCheckout('repository: acme/cli-hotfix\n');
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'Pool size'], { cwd, stdio: 'ignore' });
    const declare = async (title: string) =>
      (
        JSON.parse((await run(['declare', '--title', title, '--severity', 'critical', '--json'], cwd)).out) as {
          number: number;
        }
      ).number;
    const fixed = await declare('Checkout down');
    const other = await declare('Search down');
    const blocked = await run(['freeze', '--hotfix', String(fixed), '--json'], cwd);
    assert.equal(blocked.code, 1, 'the other incident still freezes');
    const report = JSON.parse(blocked.out) as { frozen: boolean; hotfixed: number[]; incidents: { number: number }[] };
    assert.deepEqual(
      { frozen: report.frozen, hotfixed: report.hotfixed, incidents: report.incidents.map((i) => i.number) },
      { frozen: true, hotfixed: [fixed], incidents: [other] },
    );
    const resolved = await run(['resolve', String(other), '--json'], cwd);
    assert.equal(resolved.code, 0, resolved.err);
    for (let i = 0; i < 2; i++) {
      const pass = await run(['freeze', '--hotfix', String(fixed)], cwd);
      assert.equal(pass.code, 0, pass.err);
      assert.match(pass.out, /### Hotfix lane/);
    }
    const hotfixes = sandbox()
      .store.comments('acme/cli-hotfix', fixed)
      .filter((c) => c.body.includes('"kind":"hotfix"'));
    assert.equal(hotfixes.length, 1, 'once per commit, whatever the reruns');
    const bad = await run(['freeze', '--hotfix', 'x'], cwd);
    assert.equal(bad.code, 2);
  });

  it('reports a broken config with file, line and field', async () => {
    const cwd = aCheckout('severities:\n  - name: critical\n    freeze: sometimes\n');
    const result = await run(['list'], cwd);
    assert.equal(result.code, 2);
    assert.match(result.err, /\.github\/incidents\.yml:3:\d+: severities\[0\]\.freeze: freeze must be true or false/);
  });

  it('retro N > file keeps the mentions the timeline defused defused, so posting the draft notifies no team', async () => {
    const cwd = aCheckout();
    const declared = await run(['declare', '--title', 'Queue stuck', '--severity', 'minor', '--force', '--json'], cwd);
    const { number } = JSON.parse(declared.out) as { number: number };
    const logged = await run(
      ['log', String(number), '--kind', 'observation', '--text', 'Paged @acme/sre at once'],
      cwd,
    );
    assert.equal(logged.code, 0, logged.err);
    const draft = await run(['retro', String(number)], cwd);
    assert.equal(draft.code, 0, draft.err);
    assert.match(draft.out, /Paged @\u200Bacme\/sre at once/);
    assert.deepEqual(teamMentions(draft.out), []);
  });
});

describe('firebreak binary', () => {
  before(function () {
    this.timeout(60_000);
    execFileSync('node', ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT });
  });

  it('`npm start` runs a drill with no token and no network, and says how to go on', function () {
    this.timeout(60_000);
    const result = spawnSync('node', ['dist/cli.js', 'drill'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Declared drill #1 .* \(1 request\)/);
    // The drill knows its token's login (Firebreak itself): no permission read.
    assert.match(result.stdout, /Logged an observation {2}\(1 request\)/);
    assert.match(
      result.stdout,
      /Logged a destructive action, with what and why {2}\(1 request\)/,
      'one comment, as promised',
    );
    // A change answers with the comment and the view together; the read that checks the view is its own, said so.
    assert.match(
      result.stdout,
      /Changed severity to major \(deploys freeze\) {2}\(\d requests, then \d reads? to check/,
    );
    assert.match(result.stdout, /Severity triage → major \(About 20% of checkouts fail\.\)\n/);
    assert.doesNotMatch(result.stdout, /[.!?]\)\./, 'no doubled punctuation');
    assert.match(result.stdout, /Handed the lead over to @octo-lead/);
    assert.match(result.stdout, /This is a drill/);
    assert.match(result.stdout, /Run Firebreak against a real repository/);
  });

  it('prints help and exits 2 without a command', () => {
    const result = spawnSync('node', ['dist/cli.js'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stdout, /Usage: firebreak <command>/);
  });
});
