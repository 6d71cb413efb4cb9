// An exhausted primary rate limit: every caller (five engineers' clients, the CLI, the Action) sends one request,
// learns the reset time, waits for it without sending anything else, then finishes its work and says it waited.
import assert from 'node:assert/strict';
import { buildAction, runAction, warningsOf } from '../action/support';
import {
  ACTION_TOKEN,
  actionTexts,
  assertNoViolations,
  CLI_USER,
  clientFor,
  countLeaks,
  ENGINEERS,
  runCli,
  seconds,
  SIZE,
  SLUG,
  sandboxesForEachTest,
  visibleText,
} from './support';
import { record } from './table';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ListIncidents } from '../../core/use-cases/list-incidents';
import { LogEntry } from '../../core/use-cases/log-entry';

const WAITING = /rate limit exhausted; waiting \d+ s for the reset/;

describe('reliability: primary rate limit exhausted', function () {
  this.timeout(120_000);
  before(buildAction);
  const start = sandboxesForEachTest();

  it('five clients, the CLI and the Action wait for the reset instead of hammering, then finish, and each says it waited', async () => {
    const sandbox = await start();
    const clients = ENGINEERS.map((engineer) => clientFor(sandbox, engineer));
    const first = clients[0];
    assert.ok(first);
    const incident = await new DeclareIncident(first.service).run({ title: 'Everything is slow', severity: 'minor' });
    assert.ok(incident);

    const resetSeconds = SIZE.rateLimitResetSeconds;
    const tokens = [...ENGINEERS.map((e) => e.token), CLI_USER.token, ACTION_TOKEN];
    // The Action starts a process first: its limit resets a second later, so its first request is surely refused.
    const resetFor = (token: string) => resetSeconds + (token === ACTION_TOKEN ? 1 : 0);
    for (const token of tokens) sandbox.exhaustRateLimit(token, resetFor(token));
    const exhaustedAt = Date.now();
    // The sandbox keeps the reset in whole epoch seconds, as GitHub does.
    const resetAt = (token: string) => (Math.floor(exhaustedAt / 1000) + resetFor(token)) * 1000;
    const before = sandbox.requests.length;

    const [listed, cli, action] = await Promise.all([
      Promise.all(
        clients.map(async (client, i) => {
          const active = await new ListIncidents(client.service).run();
          await new LogEntry(client.service).run(incident.number, {
            kind: 'observation',
            text: `Engineer ${i + 1} is still here after the wait.`,
          });
          return active;
        }),
      ),
      runCli(sandbox, ['list', '--repo', SLUG]),
      runAction(sandbox, { inputs: { mode: 'freeze', 'github-token': ACTION_TOKEN, repository: SLUG } }),
    ]);
    const finishedAt = Date.now();

    const requests = sandbox.requests.slice(before);
    const duringWait = requests.filter((r) => r.token !== undefined && r.at < resetAt(r.token));
    const perToken = new Map(tokens.map((t) => [t, duringWait.filter((r) => r.token === t).length]));
    const limited = requests.filter((r) => r.status === 403).length;
    const warned = [
      ...clients.map((c) => c.log.warnings().some((w) => WAITING.test(w))),
      WAITING.test(cli.err),
      warningsOf(action).some((w) => WAITING.test(w)),
    ];
    const leaked = countLeaks([
      ...clients.flatMap((c) => c.log.lines),
      cli.out,
      cli.err,
      ...actionTexts(action),
      ...visibleText(sandbox),
    ]);
    record({
      scenario: '4. primary rate limit: 5 clients + CLI + Action',
      size: `${tokens.length} callers, ${resetSeconds} s reset`,
      lost: 0,
      duplicated: 0,
      crashes: (cli.code === 0 ? 0 : 1) + (action.code === 0 ? 0 : 1) + warned.filter((w) => !w).length,
      leaked,
      requests: requests.length,
      retries: limited,
      faults: 0,
      seconds: seconds(exhaustedAt),
      note: `${duringWait.length} requests during the wait (at most 1 per caller); ${warned.filter(Boolean).length}/${warned.length} said they waited`,
    });

    for (const [token, count] of perToken)
      assert.ok(count <= 1, `${count} requests with one token before the reset: hammering (${token.slice(0, 8)}…)`);
    assert.ok(finishedAt >= resetAt(ACTION_TOKEN), 'nobody finished before the reset');
    assert.equal(limited, tokens.length, 'each caller was refused once, then waited');
    for (const active of listed)
      assert.deepEqual(
        active.map((i) => i.number),
        [incident.number],
      );
    assert.equal(
      sandbox.store.comments(SLUG, incident.number).length,
      ENGINEERS.length,
      'every client logged after the wait',
    );
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, /Everything is slow/);
    assert.equal(action.code, 0, `${action.stdout}\n${action.stderr}`);
    assert.equal(action.outputs['frozen'], 'false');
    assert.deepEqual(
      warned,
      warned.map(() => true),
      'every client, the CLI (stderr) and the Action (a ::warning::) say they wait for the reset',
    );
    assert.equal(leaked, 0);
    assertNoViolations(sandbox);
  });
});
