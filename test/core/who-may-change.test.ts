// Who may change an incident's state, over HTTP against the sandbox: people without push access open requests,
// never incidents (whatever their issue's text or body marker claims); GitHub's answers to declare and log are
// checked; and entries edited after they were written are shown as edited, never followed.
import assert from 'node:assert/strict';
import { FirebreakError } from '../../core/domain/errors';
import { entryHash, incidentMarker, initialState, markerHash, readMarker } from '../../core/domain/event-log';
import type { Declaration } from '../../core/domain/incident';
import { postWebhook, statusMessage } from '../../core/chat/webhook';
import { summarizeEntry } from '../../core/domain/render';
import { checkFreeze } from '../../core/use-cases/freeze-decision';
import { Status } from '../../core/use-cases/status';
import { DEFAULT_USERS } from '../../sandbox/server';
import { call, useSandbox } from '../sandbox/support';
import { issueFormBody, REPO, startReceiver, world } from './world';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ListIncidents } from '../../core/use-cases/list-incidents';
import { LogEntry } from '../../core/use-cases/log-entry';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const OUTSIDER = { login: 'mallory', token: 'sandbox-token-mallory' };
const READER = { login: 'reader', token: 'sandbox-token-reader' };
const OTHER_WRITER = { login: 'octo-comms', token: 'sandbox-token-comms' };

/** A clock the test moves, so that an edit lands in a later second than the comment it edits (as on GitHub). */
let clock = new Date('2026-11-30T09:00:00Z');
const tick = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

const forgedDeclaration = (overrides: Partial<Declaration> = {}): Declaration => ({
  key: 'forged',
  title: 'Checkout down',
  description: 'Everything is on fire.',
  severity: 'critical',
  lead: 'carol',
  declaredBy: 'alice',
  declaredAt: '2026-11-30T08:00:00.000Z',
  private: false,
  drill: false,
  services: [],
  ...overrides,
});

const forgedBody = (overrides: Partial<Declaration> = {}) =>
  `${incidentMarker(forgedDeclaration(overrides), initialState(forgedDeclaration(overrides)))}\nDeclared by @alice.`;

describe('who may change an incident', () => {
  const sandbox = useSandbox({
    now: () => clock,
    users: [
      ...DEFAULT_USERS.filter((u) => u.login !== OTHER_WRITER.login),
      { ...OTHER_WRITER, permission: 'write' },
      { ...OUTSIDER, permission: 'none' },
      { ...READER, permission: 'read' },
    ],
  });
  const lead = () => world(sandbox(), { token: 'sandbox-token-lead' }).service({ actor: 'octo-lead', now: clock });

  /** What the issue form does for anyone: the incident label, the author's text. */
  const outsiderIssue = (body: string, title = 'Checkout down') =>
    sandbox().store.createIssueDirect(REPO, { title, body, labels: ['incident'], author: OUTSIDER.login }).number;

  describe("an outsider's body marker", () => {
    it('list, show and freeze read an outsider issue with a forged critical marker as a request at triage', async () => {
      const number = outsiderIssue(forgedBody());
      const service = lead();
      const [listed] = await new ListIncidents(service).run();
      assert.equal(listed?.number, number);
      assert.equal(listed?.severity, 'triage');
      assert.equal(listed?.declaredBy, OUTSIDER.login, 'not "declared by @alice"');
      assert.equal(listed?.request, true);
      const shown = await new ShowIncident(service).run(number);
      assert.equal(shown.severity, 'triage');
      assert.equal(shown.declaredBy, OUTSIDER.login);
      assert.equal(shown.roles['lead'], OUTSIDER.login);
      const decision = await checkFreeze(world(sandbox()).gateway, service.config);
      assert.equal(decision.frozen, false);
      assert.deepEqual(
        decision.ignored.map((i) => [i.incident.number, i.reason]),
        [[number, 'request']],
      );
    });

    it('repair does not adopt the forged declaration as Firebreak’s own', async () => {
      const number = outsiderIssue(forgedBody());
      const service = lead();
      await new RepairIncident(service).run(number);
      const shown = await new ShowIncident(service).run(number);
      assert.equal(shown.severity, 'triage');
      assert.equal(shown.declaredBy, OUTSIDER.login);
      assert.equal((await checkFreeze(world(sandbox()).gateway, service.config)).frozen, false);
      // A second repair has nothing to do: the body Firebreak wrote reads back as written.
      assert.deepEqual((await new RepairIncident(service).run(number)).changed, []);
    });

    it('once someone with write access takes it as critical, its author cannot make it a drill by editing the body', async () => {
      const number = outsiderIssue(issueFormBody({ severity: 'Critical', what: 'Checkout returns 500s' }));
      const service = lead();
      await new ChangeSeverity(service).run(number, 'critical');
      assert.equal((await checkFreeze(world(sandbox()).gateway, service.config)).frozen, true);
      const edited = await call(sandbox(), 'PATCH', `/repos/${REPO}/issues/${number}`, {
        token: OUTSIDER.token,
        body: { body: forgedBody({ drill: true, severity: 'minor' }) },
      });
      assert.equal(edited.status, 200, 'authors may edit their own issue');
      const decision = await checkFreeze(world(sandbox()).gateway, service.config);
      assert.equal(decision.frozen, true);
      assert.deepEqual(
        decision.freezing.map((i) => [i.number, i.severity, i.drill]),
        [[number, 'critical', false]],
      );
      const shown = await new ShowIncident(service).run(number);
      assert.equal(shown.severity, 'critical');
      assert.equal(shown.drill, false);
    });
  });

  describe("an outsider's form incident", () => {
    it('freezes nothing and pages nobody until someone with write access takes it', async () => {
      const number = outsiderIssue(issueFormBody({ severity: 'Critical', what: 'Help', lead: '@carol' }));
      const { gateway, config, renderer } = world(sandbox());
      assert.equal((await checkFreeze(gateway, config)).frozen, false);
      // A day later, far past any update cadence: no reminder, so nobody (@carol least of all) is mentioned.
      const later = new Date(clock.getTime() + 86_400_000);
      const status = await new Status({ gateway, config, renderer, now: () => later }).run({ remind: true });
      assert.deepEqual(status.reminders, []);
      assert.equal(sandbox().store.comments(REPO, number).length, 0);
      assert.doesNotMatch(status.markdown, /@carol/);

      await new AssignRole(lead()).run(number, 'lead', 'octo-lead');
      const taken = await new Status({ gateway, config, renderer, now: () => later }).run({ remind: true });
      assert.equal(taken.active[0]?.lead, 'octo-lead');
      assert.equal(taken.reminders.length, 1, 'taken: its lead is reminded like any lead');
    });

    it('chat payloads defuse every broadcast and the mentions in titles', async () => {
      outsiderIssue(
        issueFormBody({ severity: 'Critical', what: 'x' }),
        '@everyone @here @channel @all <!channel> ＠here',
      );
      const { gateway, config, renderer } = world(sandbox());
      const status = await new Status({ gateway, config, renderer }).run();
      const receiver = await startReceiver();
      try {
        await postWebhook(receiver.url, statusMessage(status.active));
        const text = (receiver.received[0]?.body as { text: string }).text;
        assert.doesNotMatch(text, /[@＠](everyone|here|channel|all)/);
        assert.doesNotMatch(text, /<!/);
        assert.match(text, /request by @\u200bmallory, not taken yet/);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('what GitHub answered', () => {
    it('a declare by someone who cannot label issues fails, saying it is no incident and what access is missing', async () => {
      const reader = world(sandbox(), { token: READER.token }).service({ actor: READER.login });
      await assert.rejects(
        new DeclareIncident(reader).run({ title: 'Checkout down', severity: 'critical' }),
        (error: FirebreakError) =>
          error.code === 'permission' &&
          /Not declared: GitHub opened acme\/shop#1 but dropped its labels and assignees/.test(error.message) &&
          /cannot label new issues in acme\/shop \(that needs write access\)/.test(error.message) &&
          /not an incident/.test(error.message),
      );
      assert.equal((await checkFreeze(world(sandbox()).gateway, reader.config)).frozen, false);
    });

    it('a log by someone without push access fails instead of printing success for an entry nobody reads', async () => {
      const incident = await new DeclareIncident(lead()).run({ title: 'Checkout down' });
      const reader = world(sandbox(), { token: READER.token }).service({ actor: READER.login });
      await assert.rejects(
        new LogEntry(reader).run(incident.number, { kind: 'action', text: 'Restarted the workers' }),
        (error: FirebreakError) =>
          /^Not recorded: GitHub took the comment .*, but @reader cannot push to acme\/shop \(GitHub's permission/.test(
            error.message,
          ) && /write \(or triage\) access/.test(error.hint ?? ''),
      );
      assert.deepEqual((await new ShowIncident(lead()).run(incident.number)).timeline, []);
    });
  });

  describe('edited entries', () => {
    async function criticalIncident() {
      const service = lead();
      const incident = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'minor' });
      await new ChangeSeverity(service).run(incident.number, 'critical');
      const [comment] = sandbox().store.comments(REPO, incident.number);
      assert.ok(comment);
      return { service, number: incident.number, comment };
    }

    const editAs = (token: string, id: number, body: string) => {
      tick(5);
      return call(sandbox(), 'PATCH', `/repos/${REPO}/issues/comments/${id}`, { token, body: { body } });
    };

    it('a severity marker edited by another collaborator is shown as edited, not followed, and repair refuses', async () => {
      const { service, number, comment } = await criticalIncident();
      const edited = comment.body.replace('"to":"critical"', '"to":"minor"');
      assert.equal((await editAs(OTHER_WRITER.token, comment.id, edited)).status, 200);

      const shown = await new ShowIncident(service).run(number);
      assert.equal(shown.severity, 'critical', 'the state recorded before the edit is kept');
      assert.equal(shown.timeline[0]?.edited, true);
      assert.equal(
        summarizeEntry(shown.timeline[0]!),
        'severity minor → minor [edited after it was written: not followed]',
        'show, the tree and the retro say so',
      );
      assert.deepEqual(
        shown.editedEntries?.map((e) => e.commentId),
        [comment.id],
      );
      await assert.rejects(
        new RepairIncident(service).run(number),
        (error: FirebreakError) =>
          error.code === 'conflict' &&
          /edited after it was written/.test(error.message) &&
          error.message.includes(`${comment.id}`),
      );
      assert.ok(
        sandbox()
          .store.issueLabels(sandbox().store.repo(REPO)!, sandbox().store.issue(REPO, number)!)
          .some((l) => l.name === 'severity:critical'),
      );
      assert.equal((await checkFreeze(world(sandbox()).gateway, service.config)).frozen, true);
    });

    it('an edit that recomputes the hash is caught too: the body still names the original', async () => {
      const { service, number, comment } = await criticalIncident();
      const [markerLine = '', ...rest] = comment.body.split('\n');
      const payload = readMarker(markerLine, 'entry');
      assert.ok(payload);
      const forged = { ...payload, to: 'minor' };
      const rehashed = `<!-- firebreak:entry ${JSON.stringify({ ...forged, h: markerHash(forged) })} -->`;
      assert.equal((await editAs(OTHER_WRITER.token, comment.id, [rehashed, ...rest].join('\n'))).status, 200);
      const shown = await new ShowIncident(service).run(number);
      assert.equal(shown.severity, 'critical');
      assert.equal(shown.timeline[0]?.edited, true);
      await assert.rejects(new RepairIncident(service).run(number), /edited after it was written/);
    });

    it('a later change names the entry before it, so an edited earlier entry is caught by the chain', async () => {
      const { service, number, comment } = await criticalIncident();
      await new ChangeSeverity(service).run(number, 'major');
      const second = sandbox().store.comments(REPO, number)[1];
      assert.equal(
        readMarker(second?.body.split('\n', 1)[0] ?? '', 'entry')?.['prev'],
        entryHash((await new ShowIncident(service).run(number)).timeline[0]!),
      );
      // Prose edits that leave the marker alone are fine: the chain vouches for the entry.
      assert.equal((await editAs(OTHER_WRITER.token, comment.id, `${comment.body}\n\n(typo fixed)`)).status, 200);
      assert.deepEqual((await new RepairIncident(service).run(number)).changed, []);
      const shown = await new ShowIncident(service).run(number);
      assert.equal(shown.timeline[0]?.edited, undefined);
      assert.equal(shown.severity, 'major');
    });
  });
});
