// The request-count budgets of `npm run bench` (bench/README.md), as tests: the same seeds and the same operations as
// the benchmark, at 0 ms latency and without the client's write spacing, so they run in seconds.
import assert from 'node:assert/strict';
import { sample, type Sample } from '../../bench/measure';
import {
  alertReceiver,
  declareOp,
  edge,
  env,
  extensionTree,
  followUpsOp,
  freezeOp,
  freezeStatusSyncOp,
  loaded,
  seedPulls,
  logOp,
  reviewOp,
  severityOp,
  showOps,
  statusOp,
  statusPageOp,
  statusRestorer,
  statusSummaryOp,
  type Env,
} from '../../bench/scenarios';
import {
  seedActive,
  seedClosed,
  seedCodeHistory,
  seeder,
  seedLongIncident,
  seedPublished,
  seedRetro,
  retrosTracked,
  type Seeder,
} from '../../bench/seed';
import { useSandbox } from '../support/sandbox';
import { LogEntry } from '../../core/use-cases/log-entry';

const FEW = 'budgets/closed-10';
const MANY = 'budgets/closed-1000';
const MINUTE = 60_000;

describe('request budgets (npm run bench counts the same requests)', function () {
  this.timeout(60_000);
  const box = useSandbox();
  const sandbox = () => box.get();
  let s: Seeder;
  let e: Env;
  let long: number;
  let active: number[];

  const run = (op: () => Promise<unknown>): Promise<Sample> => sample(sandbox(), op);

  before(function () {
    s = seeder(sandbox());
    e = env(sandbox(), { writeSpacingMs: 0, retryBaseMs: 5 });
    // Two data sets as the benchmark seeds them: closed history, one incident with a long timeline, 99 more active.
    for (const [repo, closed] of [
      [FEW, 10],
      [MANY, 1_000],
    ] as const) {
      seedClosed(s, repo, 0, closed);
      const first = seedLongIncident(s, repo, 1_000).number;
      const rest = seedActive(s, repo, { from: 1, count: 99, overdue: 5 }).map((i) => i.number);
      if (repo === MANY) [long, active] = [first, [first, ...rest]];
    }
  });

  it('the freeze check is one request while at most 100 incidents are active, whether 10 or 10,000 are closed', async () => {
    const [few, many] = ['budgets/freeze-10', 'budgets/freeze-10000'];
    seedClosed(s, few, 0, 10);
    seedClosed(s, many, 0, 10_000);
    let count = 0;
    for (const step of [1, 10, 100]) {
      seedActive(s, few, { from: count, count: step - count, overdue: 0 });
      seedActive(s, many, { from: count, count: step - count, overdue: 0 });
      count = step;
      const counts = [(await run(freezeOp(e, few))).requests, (await run(freezeOp(e, many))).requests];
      assert.deepEqual(counts, [1, 1], `${step} active: 1 request with 10 and with 10,000 closed`);
    }
  });

  it('an alert for an incident already open is one list answered 304 and no write; a new alert writes once', async () => {
    const repo = 'budgets/alerts';
    seedClosed(s, repo, 0, 100);
    seedActive(s, repo, { from: 0, count: 20, overdue: 0 });
    const receiver = alertReceiver(e, repo);
    const fresh = await run(receiver.deliver('budget-open'));
    assert.deepEqual({ requests: fresh.requests, writes: fresh.writes }, { requests: 3, writes: 1 });
    await run(receiver.deliver('budget-open'));
    const repeat = await run(receiver.deliver('budget-open'));
    assert.deepEqual(
      { requests: repeat.requests, notModified: repeat.notModified, writes: repeat.writes },
      { requests: 1, notModified: 1, writes: 0 },
    );
  });

  it("the status page with 10,000 closed lists by label and since, and reads only published incidents' comments", async () => {
    const repo = 'budgets/status-page';
    seedClosed(s, repo, 0, 10_000);
    seedActive(s, repo, { from: 0, count: 120, overdue: 0 });
    seedPublished(s, repo, { active: 3, resolved: 2, updates: 3 });
    const { requests, trace } = await run(statusPageOp(e, repo));
    const lists = trace.filter((t) => /^GET \/repos(?:itories)?\/.*\/issues\?/.test(t));
    const comments = trace.filter((t) => /\/comments/.test(t));
    // 123 open (2 pages), about 90 closed in the window + 2 (1 page), open maintenance (1), 5 published incidents.
    assert.deepEqual([lists.length, comments.length, requests], [4, 5, 9], trace.join('\n'));
    assert.ok(lists.some((t) => t.includes('state=closed') && t.includes('since=')));
  });

  it('the status sync with 300 open pull requests: 1 list + 1 default-branch read when the decision is the recorded one; a change adds 3 pages and 1 write per flip, the pending mark and the record', async () => {
    const repo = 'budgets/pulls-300';
    seedPulls(sandbox(), repo, 300);
    // The first run has no record to trust: it reads every pull request's status, marks them and writes the record.
    const first = await run(freezeStatusSyncOp(e, repo));
    assert.deepEqual(
      { requests: first.requests, writes: first.writes },
      { requests: 1 + 1 + 3 + 300 + 301 + 1, writes: 302 },
    );
    const issue = s.sandbox.store.createIssueDirect(repo, {
      title: 'Checkout down',
      body: '### Severity\n\ncritical\n\n### What is happening\n\nx',
      labels: ['incident'],
      author: 'octo-lead',
    });
    // Whether @octo-lead's form issue is an incident or a request is GitHub's permission for them: one read per run
    // while it is open (who may act is never author_association).
    const permissionRead = 1;
    const declared = await run(freezeStatusSyncOp(e, repo));
    assert.deepEqual(
      { requests: declared.requests, writes: declared.writes },
      { requests: 1 + permissionRead + 1 + 3 + 1 + 300 + 1, writes: 302 },
      'every pull request flips to failure between the pending mark and the record',
    );
    // Any event that changes nothing for the freeze: no pull request list, no writes.
    const quiet = await run(freezeStatusSyncOp(e, repo));
    assert.deepEqual({ requests: quiet.requests, writes: quiet.writes }, { requests: 2 + permissionRead, writes: 0 });
    s.sandbox.store.updateIssue(s.sandbox.store.ensureRepo(repo), issue, { state: 'closed' });
    const resolved = await run(freezeStatusSyncOp(e, repo));
    assert.deepEqual({ requests: resolved.requests, writes: resolved.writes }, { requests: 307, writes: 302 });
  });

  it('declaring is one request', async () => {
    const { requests, writes } = await run(declareOp(e, 'budgets/writes', 1));
    assert.deepEqual({ requests, writes }, { requests: 1, writes: 1 });
  });

  it('logging an entry on a loaded incident is one request, plus the writer’s permission once per process', async () => {
    const incident = await loaded(e, MANY, active[50] ?? long);
    // The permission read (sent with the comment, no round trip) says whether the token may write entries at all.
    const permissionRead = 1;
    assert.equal((await run(logOp(e, MANY, incident, 1))).requests, 1 + permissionRead);
  });

  it('a severity or status change on a loaded incident is four writes sent together, then one read to check', async () => {
    // The comment, the body (PATCH) and one request per label added (POST) or removed (DELETE): a whole label set
    // written back would drop labels a person set since the edge read the incident (issue #20). Here one label of
    // the family goes, another comes: 2 label writes. The read after all of them shows whether anyone else wrote.
    // An incident whose view folds every comment (the one logged to above has a comment after its view: a change
    // there reads the timeline first).
    const severity = await run(severityOp(e, MANY, await loaded(e, MANY, active[60] ?? long)));
    const status = await run(statusOp(e, MANY, await loaded(e, MANY, active[60] ?? long)));
    assert.deepEqual(
      [severity, status].map((r) => ({ requests: r.requests, writes: r.writes })),
      // Each op is a new process: + 1 permission read (sent with the comment) says the token may write entries.
      [
        { requests: 5 + 1, writes: 4 },
        { requests: 5 + 1, writes: 4 },
      ],
    );
  });

  it('showing an incident with 1,000 entries is ⌈1000/100⌉ + 1 requests; showing it again costs no quota (all 304)', async () => {
    const { first, again } = showOps(e, MANY, long);
    const cold = await run(first);
    const warm = await run(again);
    assert.equal(cold.requests, 11);
    assert.deepEqual(
      { requests: warm.requests, quota: warm.quota, notModified: warm.notModified },
      { requests: 11, quota: 0, notModified: 11 },
    );
  });

  it('rerunning follow-ups on a 50-item retro writes nothing', async () => {
    const retro = seedRetro(s, 'budgets/retro', 50).number;
    const first = await run(followUpsOp(e, 'budgets/retro', retro));
    assert.ok(first.writes >= 50, 'the first run creates the 50 follow-ups');
    const again = await run(followUpsOp(e, 'budgets/retro', retro));
    assert.equal(again.writes, 0);
  });

  it('a review with 1,000 resolved incidents, 100 of them with code references, is 1 list + 100 timeline reads and no write', async () => {
    seedCodeHistory(s, 'budgets/review', 1_000, 100);
    const review = await run(reviewOp(e, 'budgets/review'));
    assert.deepEqual({ requests: review.requests, writes: review.writes }, { requests: 101, writes: 0 });
  });

  describe('status summary with 100 active incidents', () => {
    it('is at most 3 requests plus one per overdue reminder, two per people reminder and one per retro tracked', async () => {
      for (const [repo, closed] of [
        [FEW, 10],
        [MANY, 1_000],
      ] as const) {
        const restore = statusRestorer(e, repo);
        const { op, result } = statusSummaryOp(e, repo);
        const { requests } = await run(op);
        const reminders = result()?.reminders ?? [];
        // A comms nudge or a retro reminder is its comment plus at most one lookup (people-reminders.ts). An
        // incident resolved within the retro's tracking time costs one read of what came after its resolve (there,
        // the posted retro); older ones cost nothing, however many there are.
        const people = (result()?.people.reminders ?? []).filter((r) => r.posted).length;
        const retros = retrosTracked(closed);
        assert.ok(
          requests <= 3 + reminders.length + 2 * people + retros,
          `${repo}: ${requests} requests for ${reminders.length} reminders, ${people} people reminders, ${retros} retros`,
        );
        restore();
      }
    });

    it('posts a new reminder on a quiet overdue incident with one request, and a rerun in the same period posts none', async () => {
      const repo = 'budgets/status';
      seedActive(s, repo, { from: 0, count: 3, overdue: 3 });
      const first = statusSummaryOp(e, repo);
      const posting = await run(first.op);
      assert.deepEqual(
        first.result()?.reminders.map((r) => r.posted),
        [true, true, true],
      );
      // The seeded incidents have their comms lead: no nudge.
      assert.deepEqual(first.result()?.people.reminders, []);
      assert.equal(posting.requests, 2 + 3, 'two lists and one comment per reminder');
      // The reminders moved the issues' updated_at into the period: the rerun looks them up instead of posting again.
      const second = statusSummaryOp(e, repo);
      const rerun = await run(second.op);
      assert.deepEqual(
        second.result()?.reminders.map((r) => r.posted),
        [false, false, false],
      );
      assert.equal(rerun.writes, 0);
    });
  });

  describe('the extension tree (IncidentStore, as extension.ts drives it)', () => {
    it('lists 100 active incidents with one request per refresh; a poll with nothing new is one 304 (no quota)', async () => {
      const current = await loaded(e, MANY, long);
      // Polled a while after anything changed (a timeline read within a minute of a change is read once more).
      const tree = await extensionTree(e, MANY, current, () => Date.now() + 2 * MINUTE);
      const cold = await run(tree.refresh);
      assert.equal(
        cold.trace.filter((t) => /^GET \/repos\/[^/]+\/[^/]+\/issues\?/.test(t)).length,
        1,
        'one list request',
      );
      assert.equal(tree.store.incidents.length, 100);
      assert.equal(tree.store.detail(long)?.timeline.length, 1_000, "the current incident's timeline is loaded");
      const poll = await run(tree.refresh);
      assert.deepEqual({ requests: poll.requests, quota: poll.quota }, { requests: 1, quota: 0 });
    });

    it('a poll reads again only the timeline that changed, and shows the new entry', async () => {
      let clock = Date.now();
      const repo = 'budgets/tree';
      seedActive(s, repo, { from: 0, count: 12, overdue: 0 });
      const tree = await extensionTree(e, repo, undefined, () => clock);
      await tree.refresh();
      const newest = tree.store.incidents[0];
      assert.ok(newest);
      await new LogEntry(edge(e, repo).service).run(newest, { kind: 'decision', text: 'Roll back first.' });
      const after = await run(tree.refresh);
      assert.deepEqual(after.trace.map((t) => t.replace(/\?\S*/, '').replace(/\/\d+/, '/N')).sort(), [
        'GET /repos/budgets/tree/issues 200',
        'GET /repos/budgets/tree/issues/N 200',
        'GET /repos/budgets/tree/issues/N/comments 200',
      ]);
      assert.deepEqual(
        tree.store.detail(newest.number)?.timeline.map((t) => t.kind === 'decision' && t.text),
        ['Roll back first.'],
      );
      // Read less than a minute after the change (GitHub keeps updated_at to the second): read once more, then trusted.
      clock += 2 * MINUTE;
      assert.equal((await run(tree.refresh)).requests, 3);
      assert.equal((await run(tree.refresh)).requests, 1);
    });
  });
});
