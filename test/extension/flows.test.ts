import assert from 'node:assert/strict';
import { readIncidentMarker, readMarker } from '../../core/domain/event-log';
import { declareIncident } from '../../extension/flows/declare';
import { describeAgentLog, logDestructiveAction, logEntry, logForAgent } from '../../extension/flows/log-entry';
import { involveOwners } from '../../extension/flows/owners';
import { postUpdate } from '../../extension/flows/post-update';
import { resolveIncident } from '../../extension/flows/resolve';
import { postRetro, retroIncidentNumber, startRetro } from '../../extension/flows/retro';
import { assignRole } from '../../extension/flows/roles';
import { takeLead } from '../../extension/flows/take-lead';
import { unacknowledgedFirst } from '../../extension/presentation';
import { AlertIntake } from '../../core/use-cases/alerts';
import { isUnacknowledged } from '../../core/domain/incident';
import { openIncident, selectIncident } from '../../extension/flows/select';
import { changeSeverity } from '../../extension/flows/severity';
import type { Sandbox } from '../../sandbox/server';
import { useSandbox, wired, WRITER_TOKEN } from '../support/fixtures';
import { COMMIT, declareVia, flowHarness, selectionIn, type Harness } from './support/harness';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { LogEntry } from '../../core/use-cases/log-entry';

const SLUG = 'acme/shop';

describe('command flows against the sandbox', () => {
  const box = useSandbox({ per: 'test' });
  let sandbox: Sandbox;
  let h: Harness;

  beforeEach(async () => {
    sandbox = box();
    h = await flowHarness(sandbox);
  });

  const issues = () => sandbox.store.issues(SLUG);
  const comments = (n: number) => sandbox.store.comments(SLUG, n);
  const labelsOf = (n: number) => {
    const repo = sandbox.store.repo(SLUG);
    const issue = sandbox.store.issue(SLUG, n);
    return repo && issue ? sandbox.store.issueLabels(repo, issue).map((l) => l.name) : [];
  };

  describe('Declare Incident', () => {
    it('asks title, severity and description in three numbered steps and declares in one issue that becomes current', async () => {
      h.answer({ input: 'Checkout returns 500s' }, { pick: 'major' }, { input: 'Payments fail for 20% of customers' });
      const incident = await declareIncident(h.ctx);

      assert.ok(incident);
      assert.deepEqual(
        h.prompter.asked.map((a) => [a.title, a.step, a.totalSteps, a.kind]),
        [
          ['Declare incident', 1, 3, 'input'],
          ['Declare incident', 2, 3, 'pick'],
          ['Declare incident', 3, 3, 'input'],
        ],
      );
      assert.deepEqual(h.prompter.asked[1]?.labels, ['critical', 'major', 'minor', 'triage']);
      assert.equal(issues().length, 1);
      const issue = sandbox.store.issue(SLUG, incident.number);
      assert.equal(issue?.title, 'Checkout returns 500s');
      assert.deepEqual(issue?.assignees, ['firebreak-dev']);
      assert.deepEqual(labelsOf(incident.number).slice(0, 4), [
        'incident',
        'severity:major',
        'status:declared',
        'role:lead',
      ]);
      assert.equal(readIncidentMarker(issue?.body)?.declaration.description, 'Payments fail for 20% of customers');
      assert.equal(h.store.current?.number, incident.number);
      const done = h.prompter.messages.find((m) => /declared/.test(m.message));
      assert.deepEqual(done?.actions, ['Open issue', 'Log action']);
    });

    it('"Log action" after declaring passes the incident itself, so the entry goes to the repository it was declared in', async () => {
      h = await flowHarness(sandbox, { replies: [{ match: /declared/, action: 'Log action' }] });
      const incident = await declareVia(h);
      await new Promise((resolve) => setImmediate(resolve));
      const [logAction] = h.executed;
      assert.equal(logAction?.command, 'firebreak.logEntry');
      // Shaped as a tree node, which is what the command's argument handling reads an incident from.
      const passed = (logAction?.args[0] as { incident?: typeof incident } | undefined)?.incident;
      assert.equal(passed?.number, incident.number, 'the incident, not a bare number');
      assert.deepEqual(passed?.repo, incident.repo);
    });

    it('an incident of another repository is never written into the session repository', async () => {
      const incident = await declareVia(h);
      const elsewhere = { ...incident, repo: { owner: 'acme', name: 'shop-private' } };
      await assert.rejects(
        new ChangeSeverity(h.session.service).run(elsewhere, 'critical'),
        /acme\/shop-private is neither/,
      );
      await assert.rejects(new LogEntry(h.session.service).run(elsewhere, { kind: 'action', text: 'x' }), /is neither/);
      assert.equal(comments(incident.number).length, 0, 'nothing landed on acme/shop#N');
    });

    it('refuses an empty or overlong title with a message that says what to write', async () => {
      h.answer({ input: undefined });
      await declareIncident(h.ctx);
      const validate = h.prompter.asked[0]?.validate;
      assert.ok(validate);
      assert.match(validate('   ') ?? '', /cannot be empty.*Checkout returns 500s/);
      assert.match(validate('x'.repeat(201)) ?? '', /under 200 characters \(now 201\)/);
      assert.equal(validate('Checkout is slow'), undefined);
    });

    it('cancelling at any step declares nothing', async () => {
      h.answer({ input: 'Checkout returns 500s' }, { pick: undefined });
      assert.equal(await declareIncident(h.ctx), undefined);
      assert.equal(issues().length, 0);
      assert.equal(h.store.current, undefined);
    });

    it('a drill carries the drill label and a [drill] title', async () => {
      h.answer({ input: 'Database failover' }, { pick: 'triage' }, { input: '' });
      const drill = await declareIncident(h.ctx, { drill: true });
      assert.ok(drill);
      assert.equal(h.prompter.asked[0]?.title, 'Start drill');
      assert.equal(sandbox.store.issue(SLUG, drill.number)?.title, '[drill] Database failover');
      assert.ok(labelsOf(drill.number).includes('drill'));
    });
  });

  describe('Log Entry', () => {
    it('logs on the current incident with a permalink to the selected lines at the commit and a snippet', async () => {
      const incident = await declareVia(h);
      h.activeCode = selectionIn('src/checkout.ts', 3, 5);
      h.answer({ pick: 'theory' }, { input: 'The limit check throws for large carts' });
      const delivery = await logEntry(h.ctx);

      assert.equal(delivery?.status, 'delivered');
      assert.deepEqual(
        h.prompter.asked.slice(-2).map((a) => [a.title, a.step, a.totalSteps]),
        [
          [`Log entry on #${incident.number}`, 1, 2],
          [`Log entry on #${incident.number}`, 2, 2],
        ],
      );
      assert.match(h.prompter.asked.at(-2)?.text ?? '', /linked to src\/checkout\.ts#L3-L5/);
      const [comment] = comments(incident.number);
      assert.ok(comment);
      const permalink = `${sandbox.webUrl}/acme/shop/blob/${COMMIT}/src/checkout.ts#L3-L5`;
      assert.ok(comment.body.includes(`](${permalink})`), comment.body);
      assert.ok(
        comment.body.includes('throw new Error("limit");'),
        'the snippet of the selected lines is in the comment',
      );
      const marker = readMarker(comment.body, 'entry') as {
        kind: string;
        code: { startLine: number; endLine: number };
      };
      assert.equal(marker.kind, 'theory');
      assert.deepEqual([marker.code.startLine, marker.code.endLine], [3, 5]);
      assert.equal(h.prompter.messages.filter((m) => m.level === 'warn').length, 0);
      assert.equal(h.store.detail(incident.number), undefined, 'no timeline was loaded yet, so nothing to append to');
    });

    it('warns that the permalink will not resolve when the commit is not pushed, and still logs', async () => {
      const incident = await declareVia(h);
      h.activeCode = selectionIn('src/checkout.ts', 2, 2, { pushed: false, dirty: true });
      h.answer({ pick: 'observation' }, { input: 'total is NaN for empty carts' });
      await logEntry(h.ctx);
      const warnings = h.prompter.messages.filter((m) => m.level === 'warn').map((m) => m.message);
      assert.ok(
        warnings.some((w) => /Commit a1b2c3d is not on any remote branch.*until you push it/.test(w)),
        warnings.join('\n'),
      );
      assert.ok(warnings.some((w) => /changes that are not committed/.test(w)));
      assert.match(comments(incident.number)[0]?.body ?? '', /#L2\)/);
    });

    it('without a selection the entry carries no code link', async () => {
      const incident = await declareVia(h);
      h.activeCode = { ...selectionIn('src/checkout.ts', 1, 1) };
      delete (h.activeCode as { selection?: unknown }).selection;
      h.answer({ pick: 'decision' }, { input: 'Roll back before looking for the cause' });
      await logEntry(h.ctx);
      const marker = readMarker(comments(incident.number)[0]?.body ?? '', 'entry');
      assert.equal(marker?.['code'], undefined);
    });

    it('asks which incident when there is no current one, and makes the pick current', async () => {
      const first = await declareVia(h, 'Search is slow', 'minor');
      await declareVia(h, 'Checkout returns 500s', 'major');
      await h.store.setCurrent(undefined);
      h.answer({ pick: 'Search is slow' }, { pick: 'action' }, { input: 'Restarted the search nodes' });
      await logEntry(h.ctx);
      const which = h.prompter.asked.find((a) => /which incident/.test(a.title));
      assert.deepEqual(which?.labels, ['Checkout returns 500s', 'Search is slow'], 'newest first');
      assert.equal(h.store.current?.number, first.number);
      assert.equal(comments(first.number).length, 1);
    });

    it('with no active incident it offers to declare one instead of asking', async () => {
      h.answer();
      assert.equal(await logEntry(h.ctx), undefined);
      assert.deepEqual(h.prompter.messages.at(-1), {
        level: 'info',
        message: 'No active incidents in acme/shop.',
        actions: ['Declare incident'],
      });
    });
  });

  describe('Offline', () => {
    it('an entry logged while GitHub is down is saved, said so, shown as waiting, and delivered once later', async () => {
      const incident = await declareVia(h);
      sandbox.setDown(true);
      h.answer({ pick: 'action' }, { input: 'Rolled back to v41' });
      const delivery = await logEntry(h.ctx);
      assert.equal(delivery?.status, 'queued');
      assert.match(
        h.prompter.messages.at(-1)?.message ?? '',
        /GitHub is not answering: the action is saved and will be posted to #\d+ when it answers \(1 waiting\)/,
      );
      assert.equal(h.queue.pendingFor('acme/shop', incident.number).length, 1);

      sandbox.setDown(false);
      await h.queue.flush(h.session, { force: true });
      assert.deepEqual(h.queue.pending, []);
      assert.equal(comments(incident.number).length, 1);
      assert.equal(readMarker(comments(incident.number)[0]?.body ?? '', 'entry')?.['key'], delivery?.key);
    });
  });

  describe('Log Destructive Action', () => {
    it('asks what and why, confirms, and flags the entry destructive', async () => {
      const incident = await declareVia(h);
      h.answer(
        { input: 'Failing over the orders database' },
        { input: 'The primary stopped taking writes; fail back after the fix' },
        { confirm: true },
      );
      await logDestructiveAction(h.ctx);
      const body = comments(incident.number)[0]?.body ?? '';
      const marker = readMarker(body, 'entry') as { kind: string; destructive: boolean; text: string };
      assert.equal(marker.kind, 'action');
      assert.equal(marker.destructive, true);
      assert.equal(
        marker.text,
        'Failing over the orders database\n\nWhy: The primary stopped taking writes; fail back after the fix',
      );
      assert.match(body, /destructive/);
    });

    it("an agent's entry is described for the confirmation first, then logged with the selection and the code label", async () => {
      const incident = await declareVia(h);
      const askedBefore = h.prompter.asked.length;
      h.activeCode = selectionIn('src/checkout.ts', 3, 5);
      const planned = await describeAgentLog(h.ctx, { kind: 'action', text: 'Raised the limit to 20,000' });
      assert.ok(typeof planned !== 'string');
      assert.deepEqual(
        [planned.incident.number, planned.kind, planned.where],
        [incident.number, 'action', 'src/checkout.ts#L3-L5'],
      );
      assert.equal(comments(incident.number).length, 0, 'describing writes nothing');
      const said = await logForAgent(h.ctx, { kind: 'action', text: 'Raised the limit to 20,000' });
      assert.match(said, new RegExp(`Logged the action on #${incident.number} with a link to src/checkout.ts#L3-L5`));
      const marker = readMarker(comments(incident.number)[0]?.body ?? '', 'entry') as { code: { startLine: number } };
      assert.equal(marker.code.startLine, 3);
      assert.ok(labelsOf(incident.number).includes('incident:code'));
      assert.equal(
        h.prompter.asked.length,
        askedBefore,
        'the agent tool prompts nothing itself: the tool confirmation asked',
      );
    });

    it("an agent's entry without a current incident is refused before anything is written", async () => {
      await h.store.setCurrent(undefined);
      assert.match(String(await describeAgentLog(h.ctx, { text: 'x' })), /no current incident/);
      assert.match(await logForAgent(h.ctx, { text: 'x' }), /no current incident/);
    });

    it('logs nothing when the confirmation is declined', async () => {
      const incident = await declareVia(h);
      h.answer({ input: 'Deleting the cache' }, { input: 'It is corrupt' }, { confirm: false });
      assert.equal(await logDestructiveAction(h.ctx), undefined);
      assert.equal(comments(incident.number).length, 0);
    });
  });

  describe('Post Update', () => {
    it('moves the milestone, and the current incident shows the new last update', async () => {
      const incident = await declareVia(h);
      h.answer(
        { pick: 'monitoring' },
        { input: 'Rolled back; errors are back to normal. Watching.' },
        { pick: 'No, internal only' },
      );
      const delivery = await postUpdate(h.ctx);
      assert.equal(delivery?.status, 'delivered');
      assert.equal(h.store.current?.status, 'monitoring');
      assert.equal(h.store.current?.lastUpdate?.text, 'Rolled back; errors are back to normal. Watching.');
      assert.ok(labelsOf(incident.number).includes('status:monitoring'));
      assert.match(h.prompter.messages.at(-1)?.message ?? '', /Next update due/);
    });

    it('"Keep" leaves the status as it is', async () => {
      await declareVia(h);
      h.answer({ pick: 'Keep: declared' }, { input: 'Still looking.' }, { pick: 'No, internal only' });
      await postUpdate(h.ctx);
      assert.equal(h.store.current?.status, 'declared');
      assert.equal(h.store.current?.lastUpdate?.text, 'Still looking.');
      const marker = readMarker(comments(h.store.current?.number ?? 0)[0]?.body ?? '', 'entry');
      assert.equal(marker?.['public'], undefined);
    });

    it('asks whether to publish, and publishes on the status page when told to', async () => {
      const incident = await declareVia(h);
      h.answer({ pick: 'Keep: declared' }, { input: 'Some payments fail; we are on it.' }, { pick: 'Yes, publish it' });
      await postUpdate(h.ctx);
      assert.deepEqual(
        h.prompter.asked.slice(-3).map((a) => [a.step, a.totalSteps]),
        [
          [1, 3],
          [2, 3],
          [3, 3],
        ],
      );
      const body = comments(incident.number)[0]?.body ?? '';
      assert.equal(readMarker(body, 'entry')?.['public'], true);
      assert.match(body, /🌐 \*\*public\*\*/);
      assert.ok(h.store.current?.publishedAt);
    });

    it('Post Public Update publishes without asking, with a public title the first time', async () => {
      const incident = await declareVia(h, 'db-7 disk full on the primary', 'major');
      h.answer(
        { pick: 'identified' },
        { input: 'Saving orders is slow; a fix is rolling out.' },
        { input: 'Slow orders' },
      );
      await postUpdate(h.ctx, undefined, { public: true });
      assert.equal(h.prompter.asked.at(-1)?.title, `Post public update on #${incident.number}`);
      const marker = readMarker(comments(incident.number)[0]?.body ?? '', 'entry');
      assert.deepEqual([marker?.['public'], marker?.['publicTitle']], [true, 'Slow orders']);
      assert.equal(h.store.current?.publicTitle, 'Slow orders');
    });

    it('never offers to publish a drill', async () => {
      const incident = await declareVia(h);
      h.answer({ pick: 'Keep: declared' }, { input: 'Practice update.' });
      const drill = { ...incident, drill: true };
      await postUpdate(h.ctx, drill);
      assert.ok(h.prompter.asked.every((a) => !/publish/i.test(String(a.text ?? ''))));
      assert.equal(await postUpdate(h.ctx, drill, { public: true }), undefined);
      assert.match(h.prompter.messages.at(-1)?.message ?? '', /is a drill; it is never published/);
    });
  });

  describe('Assign Role and Change Severity', () => {
    it('gives an empty role to an assignable user', async () => {
      const incident = await declareVia(h);
      h.answer({ pick: 'Comms' }, { pick: 'octo-comms' });
      const updated = await assignRole(h.ctx);
      assert.equal(updated?.roles['comms'], 'octo-comms');
      const people = h.prompter.asked.at(-1)?.labels ?? [];
      assert.ok(people.includes('octo-lead') && people.includes('Someone else…'), people.join(', '));
      assert.deepEqual(sandbox.store.issue(SLUG, incident.number)?.assignees, ['firebreak-dev', 'octo-comms']);
    });

    it('Take Lead: an incident from an alert is listed first until a person takes it, with a role entry', async () => {
      await declareVia(h);
      // The alert receiver (another identity) declares from an alert; nobody is on it yet.
      const receiver = wired(sandbox, { token: WRITER_TOKEN, actor: 'octo-lead' });
      const intake = new AlertIntake({ ...receiver, service: receiver.service });
      const [outcome] = await intake.receiveAll([
        {
          source: 'generic',
          fingerprint: 'fp-1',
          status: 'firing',
          title: 'Error rate high',
          description: '',
          labels: {},
        },
      ]);
      await h.store.refresh(h.session);
      const listed = unacknowledgedFirst(h.store.incidents);
      assert.equal(listed[0]?.number, outcome?.number, 'the unacknowledged incident comes first');
      assert.ok(listed[0] && isUnacknowledged(listed[0]));

      const taken = await takeLead(h.ctx);
      assert.equal(taken?.number, outcome?.number, 'the one waiting is taken without asking');
      assert.equal(taken?.roles['lead'], 'firebreak-dev');
      assert.ok(taken && !isUnacknowledged(taken));
      const marker = readMarker(comments(outcome?.number ?? 0).at(-1)?.body ?? '', 'entry');
      assert.deepEqual([marker?.['kind'], marker?.['role'], marker?.['login']], ['role', 'lead', 'firebreak-dev']);
      assert.match(h.prompter.messages.at(-1)?.message ?? '', /You lead #\d+ now/);
    });

    it('a held role is handed over with a note', async () => {
      const incident = await declareVia(h);
      h.answer({ pick: 'Lead' }, { pick: 'octo-lead' }, { input: 'Rollback done; watching errors' });
      const updated = await assignRole(h.ctx);
      assert.equal(updated?.roles['lead'], 'octo-lead');
      assert.deepEqual(h.prompter.asked.at(-1)?.title, `Hand over lead on #${incident.number}`);
      const marker = readMarker(comments(incident.number)[0]?.body ?? '', 'entry');
      assert.deepEqual(
        [marker?.['kind'], marker?.['from'], marker?.['to'], marker?.['note']],
        ['handoff', 'firebreak-dev', 'octo-lead', 'Rollback done; watching errors'],
      );
      assert.match(h.prompter.messages.at(-1)?.message ?? '', /@firebreak-dev handed lead over to @octo-lead/);
    });

    it('validates a typed login', async () => {
      await declareVia(h);
      h.answer({ pick: 'Scribe' }, { pick: 'Someone else…' }, { input: 'octo-scribe' });
      await assignRole(h.ctx);
      const validate = h.prompter.asked.at(-1)?.validate;
      assert.match(validate?.('not a login!') ?? '', /is not a GitHub login/);
      assert.equal(h.store.current?.roles['scribe'], 'octo-scribe');
    });

    it('changes the severity with a reason', async () => {
      const incident = await declareVia(h, 'Checkout returns 500s', 'triage');
      h.answer({ pick: 'critical' }, { input: 'All payments fail' });
      await changeSeverity(h.ctx);
      assert.ok(labelsOf(incident.number).includes('severity:critical'));
      assert.equal(h.store.current?.severity, 'critical');
      assert.match(h.prompter.asked.at(-2)?.labels.join(',') ?? '', /critical/);
    });
  });

  describe('Resolve, Retro, Select and Open', () => {
    it('resolving closes the issue, clears the current incident and offers the retro', async () => {
      const incident = await declareVia(h);
      h.answer({ input: 'Rolled back the deploy; 20% of checkouts failed for 35 minutes' });
      await resolveIncident(h.ctx);
      assert.equal(sandbox.store.issue(SLUG, incident.number)?.state, 'closed');
      assert.equal(h.store.current, undefined);
      assert.deepEqual(h.store.incidents, []);
      assert.deepEqual(h.prompter.messages.at(-1)?.actions, ['Start retro', 'Open issue']);
    });

    it('the retro draft carries the timeline and a follow-up checklist, and posting it adds a retro entry', async () => {
      const incident = await declareVia(h);
      h.answer({ pick: 'action' }, { input: 'Rolled back to v41' });
      await logEntry(h.ctx);
      h.answer();
      const draft = await startRetro(h.ctx, incident.number);
      assert.ok(draft);
      assert.deepEqual(h.documents, [draft]);
      assert.match(draft, /Rolled back to v41/);
      assert.match(draft, /- \[ \] .* @firebreak-dev due:\d{4}-\d{2}-\d{2}/);
      assert.equal(retroIncidentNumber(draft), incident.number);

      h.answer({ confirm: true });
      const entry = await postRetro(h.ctx, draft);
      assert.equal(entry?.kind, 'retro');
      assert.equal(readMarker(comments(incident.number).at(-1)?.body ?? '', 'entry')?.['kind'], 'retro');
    });

    it('selecting an incident makes it current; opening it opens the issue URL', async () => {
      const first = await declareVia(h, 'Search is slow', 'minor');
      await declareVia(h, 'Checkout returns 500s', 'major');
      h.answer({ pick: 'Search is slow' });
      await selectIncident(h.ctx);
      assert.equal(h.store.current?.number, first.number);
      assert.ok(h.prompter.asked.at(-1)?.labels.includes('No current incident'));
      await openIncident(h.ctx);
      assert.deepEqual(h.opened, [first.url]);
    });
  });

  describe('Involve Code Owners', () => {
    it('mentions each CODEOWNERS owner of the file once, and not again the second time', async () => {
      const incident = await declareVia(h);
      h.repoFiles['.github/CODEOWNERS'] = '* @octo-scribe\n/src/ @octo-lead @acme/payments\n';
      h.activeCode = selectionIn('src/checkout.ts', 3, 4);
      h.answer({ pickMany: ['octo-lead'] });
      const delivery = await involveOwners(h.ctx);
      assert.equal(delivery?.status, 'delivered');
      const body = comments(incident.number)[0]?.body ?? '';
      assert.match(body, /Asked the owners of `src\/checkout\.ts` to join: @octo-lead\./);
      assert.match(body, /acme\/payments \(teams are not notified/);

      h.answer();
      assert.equal(await involveOwners(h.ctx), undefined);
      assert.equal(comments(incident.number).length, 1, 'an owner is asked once per incident');
      assert.match(h.prompter.messages.at(-1)?.message ?? '', /already on #\d+ \(@octo-lead\)/);
    });

    it('says so when nobody owns the file', async () => {
      await declareVia(h);
      h.activeCode = selectionIn('README.md', 1, 1);
      h.answer();
      await involveOwners(h.ctx);
      assert.match(
        h.prompter.messages.at(-1)?.message ?? '',
        /Nobody is listed as owner of README\.md \(no CODEOWNERS file\)/,
      );
    });
  });
});
