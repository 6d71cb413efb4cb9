// Secrets and private incidents. Distinctive fake tokens (and a webhook URL with a secret path) are used by the CLI,
// the Action, the extension's session and plain clients through successes, refusals (401, 403, 404, rate limits) and
// faults; every line they print or log, every error (inspected deeply, causes and request included), every output
// and job summary, and everything the sandbox shows is scanned for them. Private incidents, declared under faults,
// never show up in the public repository, its listings, its freeze decision or its status digest.
import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/domain/config';
import { GitHubError } from '../../core/domain/errors';
import { checkFreeze } from '../../core/use-cases/freeze-decision';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';
import { createRenderer } from '../../core/domain/render';
import { Status } from '../../core/use-cases/status';
import { statusMessage } from '../../core/chat/webhook';
import { formatError } from '../../extension/error-format';
import { openSession } from '../../extension/session';
import { buildAction, runAction } from '../action/support';
import { startReceiver } from '../core/world';
import {
  ACTION_TOKEN,
  actionTexts,
  assertNoViolations,
  captureLog,
  CLI_USER,
  clientFor,
  countLeaks,
  ENGINEERS,
  errorText,
  FAST_CLIENT,
  faultPlan,
  FULL,
  PRIVATE_REPO,
  PRIVATE_SLUG,
  REPO,
  runCli,
  sandboxesForEachTest,
  seconds,
  SECRETS,
  SEED,
  SIZE,
  SLUG,
  UNKNOWN_TOKEN,
  visibleText,
  type CliRun,
  type Engineer,
} from './support';
import { record } from './table';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ListIncidents } from '../../core/use-cases/list-incidents';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';
import { ShowIncident } from '../../core/use-cases/show-incident';

const engineer = (i: number): Engineer => ENGINEERS[i] as Engineer;

describe('reliability: secrets and private incidents', function () {
  this.timeout(5 * 60_000);
  const start = sandboxesForEachTest();
  before(buildAction);

  it('no token or webhook URL appears in any log line, error, CLI output, Action output or summary, or on GitHub', async () => {
    const sandbox = await start();
    const started = Date.now();
    const texts: string[] = [];
    const receiver = await startReceiver();
    const secrets = [...SECRETS, receiver.url];
    try {
      // The CLI, verbose, through a whole incident, a retried write, and refusals.
      const cli: CliRun[] = [];
      const run = async (args: string[], env: Record<string, string> = {}) => {
        const result = await runCli(sandbox, [...args, '--repo', SLUG, '--verbose'], env);
        cli.push(result);
        return result;
      };
      const declared = await run(['declare', '--title', 'Token leak drill', '--severity', 'major', '--json']);
      assert.equal(declared.code, 0, declared.err);
      const { number } = JSON.parse(declared.out) as { number: number };
      sandbox.failNext('applied-502', 1, { method: 'POST', pathIncludes: '/comments' });
      assert.equal((await run(['log', String(number), '--kind', 'action', '--text', 'Rotated the keys'])).code, 0);
      if (FULL) {
        // The CLI spaces writes 1 s apart and backs off from 1 s, as GitHub advises: only the full run pays for more.
        sandbox.failNext('reset', 1, { method: 'GET' });
        assert.equal(
          (await run(['update', String(number), '--text', 'Keys rotated.', '--status', 'monitoring'])).code,
          0,
        );
        for (const args of [['list'], ['repair', String(number)]]) assert.equal((await run(args)).code, 0);
      }
      assert.equal((await run(['show', String(number), '--json'])).code, 0);
      const unauthorized = await run(['show', String(number)], { GITHUB_TOKEN: UNKNOWN_TOKEN });
      assert.equal(unauthorized.code, 1);
      assert.match(unauthorized.err, /did not accept the token/);
      const unauthorizedJson = await run(['log', String(number), '--kind', 'action', '--text', 'x', '--json'], {
        GITHUB_TOKEN: UNKNOWN_TOKEN,
      });
      assert.equal(unauthorizedJson.code, 1);
      const missing = await runCli(sandbox, ['show', '999', '--repo', 'acme/nothing-here', '--verbose']);
      cli.push(missing);
      assert.equal(missing.code, 1);
      sandbox.exhaustRateLimit(CLI_USER.token, 3600);
      const limited = await run(['list']);
      assert.equal(limited.code, 1);
      assert.match(limited.err, /rate limit is exhausted/);
      texts.push(...cli.flatMap((r) => [r.out, r.err]));

      // The extension's session: its log stands in for the output channel; errors go through its formatError.
      const channel = captureLog();
      const session = await openSession({
        token: engineer(0).token,
        apiUrl: sandbox.url,
        repo: REPO,
        config: defaultConfig(),
        templates: {},
        log: channel,
        ...FAST_CLIENT,
      });
      sandbox.injectFaults(faultPlan(SEED + 30));
      for (let i = 0; i < 10; i++)
        await new LogEntry(session.service)
          .run(number, { kind: 'observation', text: `Seen ${i}` })
          .catch((e: unknown) => texts.push(errorText(e)));
      sandbox.injectFaults(undefined);
      for (const [token, doing, repo] of [
        [UNKNOWN_TOKEN, 'Sign in', REPO],
        [engineer(0).token, 'Show incident', { owner: 'acme', name: 'nothing-here' }],
      ] as const) {
        try {
          const other = await openSession({
            token,
            apiUrl: sandbox.url,
            repo,
            config: defaultConfig(),
            templates: {},
            log: channel,
            ...FAST_CLIENT,
          });
          await new ShowIncident(other.service).run(999);
          assert.fail('refused');
        } catch (error) {
          const formatted = formatError(error, doing);
          texts.push(formatted.message, formatted.logLine, errorText(error));
          assert.ok(error instanceof GitHubError, errorText(error));
          // octokit redacts the header in the request it keeps on the error; the test holds it to that.
          assert.ok(!errorText(error).includes(token));
        }
      }
      texts.push(...channel.lines);

      // The Action, with its token and a webhook URL, in each mode, also when the webhook fails.
      const actionRuns = [
        await runAction(sandbox, {
          inputs: {
            mode: 'freeze',
            'github-token': ACTION_TOKEN,
            repository: SLUG,
            bypass: 'true',
            'bypass-reason': 'Hotfix',
          },
        }),
      ];
      if (FULL) {
        actionRuns.push(
          await runAction(sandbox, {
            inputs: {
              mode: 'status',
              'github-token': ACTION_TOKEN,
              repository: SLUG,
              remind: 'true',
              'webhook-url': receiver.url,
            },
            eventName: 'schedule',
          }),
          await runAction(sandbox, {
            inputs: { mode: 'follow-ups', 'github-token': ACTION_TOKEN, repository: SLUG, incident: String(number) },
          }),
        );
        actionRuns.push(
          await runAction(sandbox, {
            inputs: {
              mode: 'status',
              'github-token': ACTION_TOKEN,
              repository: SLUG,
              'webhook-url': receiver.url,
              'api-retries': '0',
            },
            eventName: 'schedule',
            env: { GITHUB_API_URL: 'http://127.0.0.1:1' },
          }),
        );
      }
      if (FULL) {
        receiver.answers.push(500, 500, 500, 500);
        actionRuns.push(
          await runAction(sandbox, {
            inputs: { mode: 'status', 'github-token': ACTION_TOKEN, repository: SLUG, 'webhook-url': receiver.url },
            eventName: 'schedule',
          }),
        );
      }
      assert.deepEqual(
        actionRuns.map((r) => r.code),
        FULL ? [0, 0, 0, 1, 1] : [0],
        actionRuns.map((r) => r.stdout).join('\n----\n'),
      );
      texts.push(
        ...actionRuns.flatMap(actionTexts),
        ...visibleText(sandbox),
        ...receiver.received.map((r) => JSON.stringify(r.body)),
      );

      const leaked = countLeaks(texts, secrets);
      record({
        scenario: 'S1. secrets: CLI, extension, Action, errors, GitHub',
        size: `${texts.length} texts scanned`,
        lost: 0,
        duplicated: 0,
        crashes: 0,
        leaked,
        requests: sandbox.requests.length,
        seconds: seconds(started),
        note: `${secrets.length} secrets, ${cli.length} CLI runs, ${actionRuns.length} Action runs`,
      });
      const where = texts.filter((t) => secrets.some((s) => t.includes(s))).map((t) => t.slice(0, 300));
      assert.deepEqual(where, [], 'no secret anywhere');
      assertNoViolations(sandbox);
    } finally {
      await receiver.close();
    }
  });

  it(`private incidents, declared and logged under ~10% faults, never reach the public repository, its listings, freeze or digest`, async () => {
    const sandbox = await start();
    const started = Date.now();
    const client = clientFor(sandbox, engineer(1));
    const canary = (i: number) => `PRIVATE-CANARY-${i}`;
    const count = Math.max(5, Math.floor(SIZE.declares / 4));
    sandbox.injectFaults(faultPlan(SEED + 31));
    let surfaced = 0;
    for (let i = 0; i < count; i++) {
      try {
        const incident = await new DeclareIncident(client.service).run({
          title: `${canary(i)} customer data exposed`,
          severity: 'critical',
          private: true,
          key: `private-${i}`,
        });
        await new LogEntry(client.service).run(incident, {
          kind: 'observation',
          text: `${canary(i)}: the export bucket is public`,
          key: `private-log-${i}`,
        });
        await new PostUpdate(client.service).run(incident, {
          text: `${canary(i)} contained`,
          status: 'monitoring',
          key: `private-update-${i}`,
        });
      } catch (error) {
        assert.ok(error instanceof GitHubError, errorText(error));
        surfaced++;
      }
      await new DeclareIncident(client.service)
        .run({ title: `Public incident ${i}`, severity: 'major', key: `public-${i}` })
        .catch(() => surfaced++);
    }
    sandbox.injectFaults(undefined);
    // A private declare while the private repository fails is refused; it never falls back to the public one.
    const publicBefore = sandbox.store.issues(SLUG).length;
    sandbox.failNext('http503', 50, { pathIncludes: `/repos/${PRIVATE_SLUG}/` });
    await assert.rejects(
      new DeclareIncident(client.service).run({ title: `${canary(99)} while the private repo fails`, private: true }),
      GitHubError,
    );
    assert.equal(
      sandbox.store.issues(SLUG).length,
      publicBefore,
      'nothing was written to the public repository instead',
    );
    // Use up what is left of the one-off faults before reading.
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`${sandbox.url}/repos/${PRIVATE_SLUG}/issues`, {
        headers: { authorization: `token ${engineer(1).token}` },
      });
      if (response.ok) break;
    }

    const publicGateway = new OctokitIssueGateway(REPO, clientFor(sandbox, engineer(2)).client, sandbox.webUrl);
    const config = client.service.config;
    const views: string[] = [];
    const active = await new ListIncidents(clientFor(sandbox, engineer(2)).service).run();
    views.push(JSON.stringify(active.map((i) => [i.title, i.description, i.url])));
    const freeze = await checkFreeze(publicGateway, config);
    views.push(JSON.stringify([...freeze.freezing, ...freeze.ignored.map((x) => x.incident)].map((i) => i.title)));
    const status = await new Status({ gateway: publicGateway, config, renderer: createRenderer() }).run({
      remind: true,
    });
    views.push(status.markdown, statusMessage(status.active).text);
    const action = await runAction(sandbox, {
      inputs: { mode: 'status', 'github-token': ACTION_TOKEN, repository: SLUG, remind: 'true' },
      eventName: 'schedule',
    });
    views.push(...actionTexts(action));
    const publicRepo = sandbox.store.repo(SLUG);
    const publicText = [
      ...(publicRepo?.issues ?? []).flatMap((i) => [i.title, i.body ?? '']),
      ...(publicRepo?.comments ?? []).map((c) => c.body),
    ];
    const leakedViews = [...views, ...publicText].filter((t) => t.includes('PRIVATE-CANARY')).length;
    const privateIssues = sandbox.store.issues(PRIVATE_SLUG).filter((i) => i.title.includes('PRIVATE-CANARY'));
    const withPrivate = await new ListIncidents(client.service).run({ includePrivate: true });
    record({
      scenario: 'S2. private incidents stay private (faults)',
      size: `${count} private + ${count} public`,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      leaked: leakedViews,
      requests: sandbox.requests.length,
      seconds: seconds(started),
      note: `${privateIssues.length} private issues; ${surfaced} typed errors surfaced`,
    });
    assert.equal(
      leakedViews,
      0,
      'no private incident in the public repository, its listings, freeze decision or digest',
    );
    assert.ok(privateIssues.length > 0, 'private incidents were declared');
    assert.ok(
      withPrivate.some((i) => i.title.includes('PRIVATE-CANARY') && i.repo.name === PRIVATE_REPO.name),
      'they are listed for those who ask for private ones',
    );
    assert.equal(action.code, 0, action.stdout);
    assertNoViolations(sandbox);
  });
});
