import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
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

  async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
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
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      cwd,
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

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

    const summary = await run(['summary'], cwd);
    assert.equal(summary.code, 0, summary.err);
    assert.match(summary.out, /Database failover/);
  });

  it('reports a broken config with file, line and field', async () => {
    const cwd = aCheckout('severities:\n  - name: critical\n    freeze: sometimes\n');
    const result = await run(['list'], cwd);
    assert.equal(result.code, 1);
    assert.match(result.err, /\.github\/incidents\.yml:3:\d+: severities\[0\]\.freeze: freeze must be true or false/);
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
    assert.match(result.stdout, /Logged an observation {2}\(1 request\)/);
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
