// Bugs the reliability campaign found, each pinned by the test that failed before its fix.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../../core/domain/config';
import { createRenderer, renderEntryComment } from '../../core/domain/render';
import { ConfigError } from '../../core/domain/errors';
import { BODY_LIMIT, teamMentions, userLine, userMarkdown } from '../../core/domain/markdown';
import { annotateItem, parseRetroChecklist } from '../../core/domain/retro-checklist';
import type { Sandbox } from '../../sandbox/server';
import { assertNoViolations, clientFor, ENGINEERS, SLUG, startReliabilitySandbox, type Engineer } from './support';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { PostUpdate } from '../../core/use-cases/post-update';
import { RepairIncident } from '../../core/use-cases/repair-incident';

const engineer = (i: number): Engineer => ENGINEERS[i] as Engineer;

/** Runs a fixture in its own Node process (where nothing else keeps the event loop alive) and gives its exit code. */
function exitCodeOf(fixture: string, env: Record<string, string>): Promise<number> {
  return promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'fixtures', fixture)], {
    env: { ...process.env, ...env },
  }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? -1,
  );
}

describe('reliability: regressions', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startReliabilitySandbox();
    // The first request of a process loads GitHub's OpenAPI description (about a second): not what is timed here.
    await clientFor(sandbox, engineer(4)).gateway.listIssues({});
  });

  afterEach(async () => {
    assertNoViolations(sandbox);
    await sandbox.close();
  });

  // github-client.ts set one AbortSignal.timeout(timeoutMs) per call, outside the retry and throttling plugins:
  // every attempt and every wait shared it, so a wait for the rate-limit reset longer than timeoutMs (30 s by
  // default, while Firebreak promises to wait up to 15 minutes) ended in "GitHub is not answering (HTTP 500)".
  it('waiting for a primary rate-limit reset longer than the request timeout still ends in the answer', async () => {
    const { gateway, log } = clientFor(sandbox, engineer(0), { timeoutMs: 500 });
    sandbox.store.createIssueDirect(SLUG, { title: 'One open issue' });
    // The reset is more than a second away: longer than the timeout.
    sandbox.exhaustRateLimit(engineer(0).token, 2);
    const issues = await gateway.listIssues({ state: 'all' });
    assert.equal(issues.length, 1);
    assert.match(log.warnings().join('\n'), /rate limit exhausted; waiting \d+ s for the reset/);
  });

  // render.ts cut the description in the body's marker (the only place it is kept) when the marker grew past 30,000
  // characters, but showed it uncut: the body was inconsistent right after the declare (`repair` rewrote it), and the
  // first later change silently dropped all but 2,000 characters of what people could read.
  it('a long description is cut once, at the declare, with a note: repair finds nothing to do and later changes keep it', async () => {
    const { service } = clientFor(sandbox, engineer(2));
    const incident = await new DeclareIncident(service).run({
      title: 'Long description',
      description: 'Customers see errors at checkout. '.repeat(500),
    });
    const summary = () =>
      /### Summary\n([\s\S]*?)\n### Roster/.exec(sandbox.store.issue(SLUG, incident.number)?.body ?? '')?.[1];
    const declared = summary();
    assert.match(declared ?? '', /_\(truncated: \d+ more characters not shown\)_/);
    assert.deepEqual((await new RepairIncident(service).run(incident.number)).changed, []);
    await new ChangeSeverity(service).run(incident.number, 'minor');
    assert.equal(summary(), declared, 'the description people read is the same after a change');
    assert.deepEqual((await new RepairIncident(service).run(incident.number)).changed, []);
  });

  // repair compared the body's marker with one built from the uncut state: whenever the marker had to be cut (a long
  // update full of HTML, say), it reported "body" changed and rewrote the identical body on every run, forever.
  it('after an update with a pasted HTML page, repair finds the body consistent, every time', async () => {
    const { service } = clientFor(sandbox, engineer(3));
    const incident = await new DeclareIncident(service).run({ title: 'CDN returns its own error page' });
    const page =
      '<html><head><title>502</title></head><body><div class="error"><p>Bad gateway</p></div></body></html>\n'.repeat(
        160,
      );
    await new PostUpdate(service).run(incident, { text: `The CDN answers with this page:\n${page}` });
    assert.deepEqual((await new RepairIncident(service).run(incident.number)).changed, []);
    assert.deepEqual((await new RepairIncident(service).run(incident.number)).changed, []);
  });

  // renderEntryComment cut text, reason and snippet to fit, but not a handoff's note: a pasted handover note made a
  // comment GitHub refuses (422), so the handover failed.
  it('a handover with a very long note fits in one comment and is recorded', async () => {
    const { service } = clientFor(sandbox, engineer(3));
    const incident = await new DeclareIncident(service).run({ title: 'Long handover' });
    const note = 'Still open: the replica lag alarm, the CDN purge and the customer list. '.repeat(1000);
    const handed = await new AssignRole(service).run(incident, 'lead', engineer(4).login, note);
    assert.equal(handed.roles['lead'], engineer(4).login);
    const last = sandbox.store.comments(SLUG, incident.number).at(-1);
    assert.ok(last && last.body.length <= BODY_LIMIT, `${last?.body.length} characters`);
    assert.match(last?.body ?? '', /truncated: \d+ more characters not shown/);
  });

  // fetch can hang for good when a connection is accepted and then dropped (as GitHub's load balancers do in an
  // outage), holding nothing that keeps Node running; the request timeout (AbortSignal.timeout) does not keep it
  // running either, so the process simply ended: the CLI and the Action exited 0 mid-request, with no output, and a
  // deploy-freeze step passed while GitHub was down.
  it('a connection that GitHub accepts and drops ends in an error, never in a silent exit 0', async () => {
    const dropping = createServer();
    dropping.on('connection', (socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`;
      const runs = await Promise.all(
        Array.from({ length: 4 }, () => exitCodeOf('list-issues.ts', { FIREBREAK_API_URL: url })),
      );
      assert.deepEqual(runs, [3, 3, 3, 3], 'every run ends in the typed "GitHub is not answering" error');
    } finally {
      await new Promise((resolve) => dropping.close(resolve));
    }
  });

  // The webhook post had the same hang: the status step ended with exit code 0 and the channel was never told.
  it('a webhook that accepts and drops the connection ends in an error, never in a silent exit 0', async () => {
    const dropping = createServer();
    dropping.on('connection', (socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/services/T0/B0/secret`;
      const runs = await Promise.all(
        Array.from({ length: 4 }, () => exitCodeOf('post-webhook.ts', { FIREBREAK_WEBHOOK_URL: url })),
      );
      assert.deepEqual(runs, [3, 3, 3, 3], 'every run ends in the typed "webhook did not accept the message" error');
    } finally {
      await new Promise((resolve) => dropping.close(resolve));
    }
  });

  // The same shared signal made every retry of a request that had timed out fail at once, without being sent.
  it('a request that timed out once is retried with a fresh timeout, and succeeds when GitHub answers again', async () => {
    const { gateway } = clientFor(sandbox, engineer(1), { timeoutMs: 300 });
    sandbox.store.createIssueDirect(SLUG, { title: 'Slow GitHub' });
    sandbox.setLatency(600);
    setTimeout(() => sandbox.setLatency(0), 400);
    const before = sandbox.requests.length;
    const issues = await gateway.listIssues({ state: 'all' });
    assert.equal(issues.length, 1);
    // Give the first (timed-out) request time to be recorded: the sandbox records it once its latency is over.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(sandbox.requests.length - before >= 2, 'the retry reached GitHub');
  });
});

describe('reliability: regressions in config parsing', () => {
  const problemsOf = (text: string) => {
    try {
      parseConfig(text, '.github/incidents.yml');
    } catch (error) {
      assert.ok(
        error instanceof ConfigError,
        `a ConfigError, not ${error instanceof Error ? error.name : String(error)}: ${String(error)}`,
      );
      return error.problems;
    }
    return assert.fail('the config is rejected');
  };

  // config.ts called doc.toJS() outside any try: YAML resolves aliases only there, and threw a ReferenceError.
  it('an alias to an anchor that does not exist is a ConfigError naming its line, not a ReferenceError', () => {
    const [problem] = problemsOf('severities:\n  - name: critical\nroles: *nope\n');
    assert.equal(problem?.line, 3);
    assert.match(problem?.message ?? '', /^invalid YAML: Unresolved alias/);
  });

  it('an alias bomb is a ConfigError, not a ReferenceError', () => {
    const bomb =
      'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nroles: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    const [problem] = problemsOf(bomb);
    assert.match(problem?.message ?? '', /^invalid YAML: Excessive alias count/);
  });

  // findKeyNode compared the YAML key's value (a number, a boolean) with zod's string key, missed it, and reported
  // the start of the enclosing mapping instead.
  it('an unknown key that YAML reads as a number or a boolean is reported on its own line', () => {
    const problems = problemsOf('roles:\n  - name: comms\n    2024: x\n  - name: scribe\n    true: y\n');
    assert.deepEqual(
      problems.map((p) => [p.line, p.field]),
      [
        [3, 'roles[0].2024'],
        [5, 'roles[1].true'],
      ],
    );
  });
});

describe('reliability: regressions in retro checklists', () => {
  // annotateItem split lines on \r?\n while parseRetroChecklist also breaks on a lone \r: with an old-Mac line
  // ending above the section, the follow-up number was written onto the next item's line.
  it('annotating an item below a lone CR line break annotates that item, not the next one', () => {
    const text = 'Notes\r## Follow-ups\n- [ ] Fix the alert\n- [ ] Write the runbook';
    const item = parseRetroChecklist(text).items.find((i) => i.text === 'Fix the alert');
    assert.ok(item);
    const annotated = annotateItem(text, item.key, 42) ?? '';
    const after = parseRetroChecklist(annotated).items;
    assert.deepEqual(
      after.map((i) => [i.text, i.tracked]),
      [
        ['Fix the alert', 42],
        ['Write the runbook', undefined],
      ],
    );
  });
});

describe('reliability: regressions in safe rendering', () => {
  // The team-mention pattern consumed the character before the `@`; a team name ending in `-` or `.` swallowed the
  // character the next mention needed, so in "@acme/payments-@acme/everyone" only the first team was defused.
  // A log text that leaves a code fence open (people type ``` and forget the closing one) closed the fence of the
  // code snippet that follows it, so the snippet, which is code and not escaped, rendered as Markdown: its @team
  // mentions notified the team and an HTML comment in it hid the rest of the entry.
  it('a text that leaves a code fence open cannot turn the code snippet after it into Markdown', () => {
    const body = renderEntryComment(
      {
        kind: 'observation',
        key: 'k',
        at: '2026-11-23T10:00:00Z',
        by: 'oncall-1',
        text: 'The owners file says:\n```',
        code: {
          repo: 'acme/shop',
          path: '.github/CODEOWNERS',
          startLine: 1,
          endLine: 2,
          commit: 'a'.repeat(40),
          permalink: 'https://github.com/acme/shop/blob/aaaaaaa/.github/CODEOWNERS#L1-L2',
          snippet: '* @acme/everyone\n<!-- the rest is hidden -->',
        },
      },
      createRenderer(),
    );
    // Outside fenced code (as GitHub renders it), after the marker line.
    let fence: string | undefined;
    const markdown = body
      .split('\n')
      .slice(1)
      .filter((line) => {
        const opening = /^(`{3,}|~{3,})/.exec(line)?.[1];
        if (fence === undefined && opening) return void (fence = opening);
        if (fence !== undefined && line.trim() === fence) return void (fence = undefined);
        return fence === undefined;
      })
      .join('\n');
    assert.deepEqual(teamMentions(markdown), []);
    assert.ok(!markdown.includes('<!--'), markdown);
  });

  it('team mentions written back to back are all defused', () => {
    for (const text of ['@acme/payments-@acme/everyone', 'cc @acme/a.@acme/b.@acme/c', '@@acme/x---@acme/everyone']) {
      assert.deepEqual(teamMentions(userMarkdown(text)), [], text);
      assert.deepEqual(teamMentions(userLine(text)), [], text);
    }
    assert.deepEqual(
      teamMentions('@acme/payments-@acme/everyone'),
      ['@acme/payments-', '@acme/everyone'],
      'both are found',
    );
  });
});
