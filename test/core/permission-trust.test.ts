// Who may act comes from GitHub's collaborator permission (write, maintain or admin), never from
// `author_association`: a read-only organization member (MEMBER) or a forged COLLABORATOR writes markers that no
// reader follows, a maintainer's count, and a permission lookup that fails leaves the author untrusted but every read
// working. Over HTTP against the sandbox.
import assert from 'node:assert/strict';
import { entryMarker } from '../../core/domain/event-log';
import type { Incident, TimelineEntry } from '../../core/domain/incident';
import { checkFreeze } from '../../core/use-cases/freeze-decision';
import { Status } from '../../core/use-cases/status';
import { DEFAULT_USERS } from '../../sandbox/server';
import type { AuthorAssociation } from '../../sandbox/store';
import { call, useSandbox } from '../sandbox/support';
import { REPO, requestsTo, world } from './world';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const MEMBER_READER = { login: 'org-reader', token: 'sandbox-token-org-reader' };
const MAINTAINER = { login: 'maya', token: 'sandbox-token-maya' };
const OUTSIDER = { login: 'mallory', token: 'sandbox-token-mallory' };
const WRITER = { login: 'octo-comms', token: 'sandbox-token-comms' };

describe("who may act: GitHub's permission, not author_association", () => {
  const sandbox = useSandbox({
    users: [
      ...DEFAULT_USERS.filter((u) => u.login !== WRITER.login),
      { ...WRITER, permission: 'write' },
      { ...MEMBER_READER, permission: 'read' },
      { ...MAINTAINER, permission: 'maintain' },
      { ...OUTSIDER, permission: 'none' },
    ],
  });
  const lead = () => world(sandbox(), { token: 'sandbox-token-lead' }).service({ actor: 'octo-lead' });

  /** A resolve and a `severity minor`, with markers exactly as Firebreak writes them, posted as `author`. */
  function claim(incident: Incident, author: string, association: AuthorAssociation): void {
    const at = new Date().toISOString();
    const entries: TimelineEntry[] = [
      { kind: 'severity', key: `${author}-sev`, at, by: author, from: 'critical', to: 'minor' },
      { kind: 'status', key: `${author}-res`, at, by: author, from: incident.status, to: 'resolved' },
    ].map((e) => ({ ...e, ...(incident.head !== undefined ? { prev: incident.head } : {}) }) as TimelineEntry);
    for (const entry of entries)
      sandbox().store.createCommentDirect(REPO, incident.number, {
        body: `${entryMarker(entry)}\n${entry.kind}`,
        author,
        authorAssociation: association,
      });
  }

  it("a read-only org member's resolve and severity comments (MEMBER, valid markers) are ignored by show, repair, status and freeze", async () => {
    const incident = await new DeclareIncident(lead()).run({ title: 'Checkout down', severity: 'critical' });
    claim(incident, MEMBER_READER.login, 'MEMBER');
    const { gateway, config, renderer } = world(sandbox());

    const shown = await new ShowIncident(lead()).run(incident.number);
    assert.equal(shown.severity, 'critical');
    assert.notEqual(shown.status, 'resolved');
    assert.deepEqual(
      shown.timeline.map((e) => e.by),
      [],
    );
    await new RepairIncident(lead()).run(incident.number);
    const status = await new Status({ gateway, config, renderer }).run({ remind: false });
    assert.deepEqual(status.repaired, []);
    assert.equal(sandbox().store.issue(REPO, incident.number)?.state, 'open', 'the scheduled run closed nothing');
    assert.deepEqual(
      status.active.map((a) => a.number),
      [incident.number],
    );
    const decision = await checkFreeze(gateway, config);
    assert.equal(decision.frozen, true, 'the freeze holds');
  });

  it('an outsider with COLLABORATOR forged but no push access is untrusted', async () => {
    const incident = await new DeclareIncident(lead()).run({ title: 'Checkout down', severity: 'critical' });
    claim(incident, OUTSIDER.login, 'COLLABORATOR');
    const shown = await new ShowIncident(lead()).run(incident.number);
    assert.equal(shown.severity, 'critical');
    assert.notEqual(shown.status, 'resolved');
    assert.equal((await checkFreeze(world(sandbox()).gateway, lead().config)).frozen, true);
  });

  it('a maintainer may act: GitHub answers write (legacy), maintain (role) and push, and their entries count', async () => {
    const answer = await call(sandbox(), 'GET', `/repos/${REPO}/collaborators/${MAINTAINER.login}/permission`, {
      token: 'sandbox-token-lead',
    });
    const body = answer.body as { permission: string; role_name: string; user: { permissions: { push: boolean } } };
    assert.deepEqual([body.permission, body.role_name, body.user.permissions.push], ['write', 'maintain', true]);
    const incident = await new DeclareIncident(lead()).run({ title: 'Checkout down', severity: 'critical' });
    const maintainer = world(sandbox(), { token: MAINTAINER.token }).service({ actor: MAINTAINER.login });
    await new ChangeSeverity(maintainer).run(incident.number, 'minor');
    const shown = await new ShowIncident(lead()).run(incident.number);
    assert.equal(shown.severity, 'minor');
    assert.equal((await checkFreeze(world(sandbox()).gateway, lead().config)).frozen, false);
  });

  it('a permission lookup that fails leaves show working and the author untrusted for state', async () => {
    const incident = await new DeclareIncident(lead()).run({ title: 'Checkout down', severity: 'critical' });
    await new ChangeSeverity(world(sandbox(), { token: WRITER.token }).service({ actor: WRITER.login })).run(
      incident.number,
      'minor',
    );
    sandbox().failNext('http503', 50, { method: 'GET', pathIncludes: `/collaborators/${WRITER.login}/permission` });
    const shown = await new ShowIncident(lead()).run(incident.number);
    assert.equal(shown.severity, 'critical', "the writer's entry is not followed while GitHub cannot say who they are");
    assert.ok(requestsTo(sandbox(), 'GET', `/collaborators/${WRITER.login}/permission`) >= 1);
  });

  it('asks once per distinct author of marker comments, in one run', async () => {
    const incident = await new DeclareIncident(lead()).run({ title: 'Checkout down', severity: 'critical' });
    const service = lead();
    for (let i = 0; i < 3; i++) await new LogEntry(service).run(incident.number, { kind: 'action', text: `Step ${i}` });
    claim(incident, MEMBER_READER.login, 'MEMBER');
    const before = requestsTo(sandbox(), 'GET', '/permission');
    await new ShowIncident(lead()).run(incident.number);
    assert.equal(requestsTo(sandbox(), 'GET', '/permission') - before, 2, 'the lead and the reader, once each');
  });
});
