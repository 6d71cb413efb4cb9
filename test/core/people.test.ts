// The human side of an incident: one team per incident, comms early, breaks, the retro on time and the timeline
// from reactions. Time-based rules run with an injected clock; everything that touches GitHub runs over HTTP.
import assert from 'node:assert/strict';
import { defaultConfig, parseConfig } from '../../core/domain/config';
import { ConfigError } from '../../core/domain/errors';
import { readMarker } from '../../core/domain/event-log';
import type { Incident } from '../../core/domain/incident';
import { breakSuggested, commsNudgeDue, retroDue } from '../../core/domain/people';
import { similarIncidents, similarTitles } from '../../core/domain/similar';
import { Status } from '../../core/use-cases/status';
import { useSandbox } from '../sandbox/support';
import { wired as wiredFixture, WRITER_TOKEN } from '../support/fixtures';
import { issueFormBody, REPO, world, type World } from './world';
import { AssignRole } from '../../core/use-cases/assign-role';
import { CallBreak } from '../../core/use-cases/call-break';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { Retro } from '../../core/use-cases/retro';
import { ShowIncident } from '../../core/use-cases/show-incident';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function status(w: World, now: Date) {
  return new Status({ ...w, now: () => now });
}

function nudges(sandbox: ReturnType<ReturnType<typeof useSandbox>>, number: number, key: RegExp) {
  return sandbox.store
    .comments(REPO, number)
    .filter((c) => key.test(String(readMarker(c.body, 'nudge')?.['key'] ?? '')));
}

describe('people: one team per incident', () => {
  it('titles that share most significant words are similar; one shared word is not', () => {
    assert.equal(similarTitles('Checkout returns 500s', 'Checkout 500 errors'), true);
    assert.equal(similarTitles('Checkout down', 'Checkout is down in the EU'), true);
    assert.equal(similarTitles('Login slow', 'Checkout slow'), false);
    assert.equal(similarTitles('Outage', 'Outage of search'), false);
  });

  it('an active incident sharing a service or with a similar title is a candidate; drills only match drills', () => {
    const incident = (number: number, title: string, services: string[], drill = false) =>
      ({ number, title, services, drill, private: false, status: 'investigating' }) as unknown as Incident;
    const active = [
      incident(1, 'Payments timing out', ['payments']),
      incident(2, 'Checkout returns 500s', []),
      incident(3, 'Checkout returns 500s', [], true),
      incident(4, 'Search index stale', ['search']),
    ];
    const found = similarIncidents({ title: 'Checkout 500 errors', services: ['payments'] }, active);
    assert.deepEqual(
      found.map((c) => [c.incident.number, c.sharedServices, c.similarTitle]),
      [
        [1, ['payments'], false],
        [2, [], true],
      ],
    );
  });
});

describe('people: rules with a clock', () => {
  const config = defaultConfig();
  const declared = '2026-11-30T10:00:00.000Z';
  const at = (ms: number) => new Date(Date.parse(declared) + ms);
  const state = (over: Partial<Incident> = {}) =>
    ({
      severity: 'major',
      status: 'investigating',
      roles: { lead: 'octo-lead' },
      timestamps: { declared },
      drill: false,
      timeline: [],
      ...over,
    }) as Incident;

  it('a major incident without comms is nudged after 10 minutes, not before, and not once comms is staffed', () => {
    assert.equal(commsNudgeDue(state(), config, at(9 * MINUTE)), false);
    assert.equal(commsNudgeDue(state(), config, at(10 * MINUTE)), true);
    assert.equal(commsNudgeDue(state({ roles: { lead: 'a', comms: 'b' } }), config, at(HOUR)), false);
    assert.equal(commsNudgeDue(state({ severity: 'minor' }), config, at(HOUR)), false);
    assert.equal(commsNudgeDue(state({ severity: 'critical' }), config, at(HOUR)), true);
  });

  it('comms-within is per severity, and none switches it off', () => {
    const custom = parseConfig(
      'severities:\n  - { name: critical, comms-within: 5m }\n  - { name: major, comms-within: none }\n  - name: minor\n',
    );
    assert.equal(commsNudgeDue(state({ severity: 'critical' }), custom, at(5 * MINUTE)), true);
    assert.equal(commsNudgeDue(state({ severity: 'major' }), custom, at(DAY)), false);
  });

  it('a retro is pending, then due a day before its deadline (3 days after resolving), then overdue', () => {
    const resolved = state({ status: 'resolved', timestamps: { declared, resolved: declared } });
    assert.equal(retroDue(resolved, config, at(DAY))?.stage, 'pending');
    assert.equal(retroDue(resolved, config, at(2 * DAY + HOUR))?.stage, 'due');
    assert.equal(retroDue(resolved, config, at(3 * DAY))?.stage, 'overdue');
    assert.equal(retroDue(resolved, config, at(3 * DAY))?.dueAt.toISOString(), at(3 * DAY).toISOString());
    assert.equal(retroDue({ ...resolved, drill: true }, config, at(4 * DAY)), undefined);
    assert.equal(retroDue(state(), config, at(4 * DAY)), undefined, 'not resolved: no retro due yet');
  });

  it('minor can opt out of the retro with retro-within: none; a custom window applies per severity', () => {
    const custom = parseConfig(
      'severities:\n  - { name: critical, retro-within: 2d }\n  - name: major\n  - { name: minor, retro-within: none }\n',
    );
    const resolved = (severity: string) =>
      state({ severity, status: 'resolved', timestamps: { declared, resolved: declared } });
    assert.equal(retroDue(resolved('minor'), custom, at(10 * DAY)), undefined);
    assert.equal(retroDue(resolved('critical'), custom, at(2 * DAY))?.stage, 'overdue');
    assert.equal(retroDue(resolved('major'), custom, at(DAY))?.stage, 'pending');
  });

  it('a break is suggested to who logged in the last hour once impact stopped, until someone calls one', () => {
    const entry = (by: string, ms: number) => ({
      kind: 'action',
      key: `k${ms}`,
      at: at(ms).toISOString(),
      by,
      text: 'x',
    });
    const monitoring = state({
      status: 'monitoring',
      timestamps: { declared, mitigated: at(2 * HOUR).toISOString() },
      timeline: [entry('octo-lead', 90 * MINUTE), entry('octo-scribe', 10 * MINUTE)] as Incident['timeline'],
    });
    const now = at(2 * HOUR);
    assert.equal(breakSuggested(monitoring, 'octo-lead', now), true);
    assert.equal(breakSuggested(monitoring, 'octo-scribe', now), false, 'logged nothing in the last hour');
    assert.equal(breakSuggested({ ...monitoring, status: 'investigating' }, 'octo-lead', now), false);
    const taken = {
      ...monitoring,
      timeline: [
        ...monitoring.timeline,
        { kind: 'break', key: 'b', at: now.toISOString(), by: 'octo-scribe', minutes: 15 },
      ] as Incident['timeline'],
    };
    assert.equal(breakSuggested(taken, 'octo-lead', now), false);
  });

  it('config: timeline-reaction takes GitHub reactions or none; mistakes name file, line and field', () => {
    assert.equal(defaultConfig().timelineReaction, 'rocket');
    assert.equal(parseConfig('timeline-reaction: eyes\n').timelineReaction, 'eyes');
    assert.equal(parseConfig('timeline-reaction: none\n').timelineReaction, undefined);
    assert.throws(
      () => parseConfig('timeline-reaction: thumbsup\n', 'incidents.yml'),
      (error: unknown) =>
        error instanceof ConfigError &&
        /^incidents\.yml:1:\d+: timeline-reaction: timeline-reaction must be/.test(error.message),
    );
    assert.throws(
      () => parseConfig('severities:\n  - name: major\n    retro-within: soon\n', 'incidents.yml'),
      (error: unknown) =>
        error instanceof ConfigError &&
        /incidents\.yml:3:\d+: severities\[0\]\.retro-within: retro-within must be a duration like "3d"/.test(
          error.message,
        ),
    );
  });
});

describe('people: over HTTP against the sandbox', () => {
  const sandbox = useSandbox();

  it('the status run nudges a major incident without comms once, however often it runs', async () => {
    const w = world(sandbox());
    const declaredAt = new Date(Date.now() - 20 * MINUTE);
    const major = await new DeclareIncident(w.service({ now: declaredAt })).run({
      title: 'Checkout down',
      severity: 'major',
    });
    const minor = await new DeclareIncident(w.service({ now: declaredAt })).run({
      title: 'Search slow',
      severity: 'minor',
    });
    const first = await status(w, new Date()).run({ remind: true });
    assert.deepEqual(
      first.people.reminders.filter((r) => r.kind === 'comms').map((r) => [r.number, r.posted]),
      [[major.number, true]],
    );
    const again = await status(w, new Date()).run({ remind: true });
    assert.deepEqual(
      again.people.reminders.filter((r) => r.kind === 'comms').map((r) => r.posted),
      [false],
    );
    assert.equal(nudges(sandbox(), major.number, /^comms-nudge/).length, 1);
    assert.match(nudges(sandbox(), major.number, /^comms-nudge/)[0]?.body ?? '', /@firebreak-dev: ask someone/);
    assert.equal(nudges(sandbox(), minor.number, /^comms-nudge/).length, 0);
    await new AssignRole(w.service()).run(major.number, 'comms', 'octo-comms');
    const staffed = await status(w, new Date(Date.now() + HOUR)).run({ remind: true });
    assert.equal(staffed.people.reminders.filter((r) => r.kind === 'comms').length, 0);
  });

  it('reminds the lead of a retro once when due and once when overdue, lists it in the digest, until posted', async () => {
    const w = world(sandbox());
    const resolvedAt = new Date(Date.now() - 10 * MINUTE);
    const service = w.service({ now: resolvedAt });
    const incident = await new DeclareIncident(service).run({
      title: 'Checkout down',
      severity: 'major',
      lead: 'octo-lead',
    });
    await new AssignRole(service).run(incident.number, 'comms', 'octo-comms');
    await new ResolveIncident(service).run(incident.number, 'Rolled back.');
    const clock = (ms: number) => new Date(resolvedAt.getTime() + ms);

    const early = await status(w, clock(HOUR)).run({ remind: true });
    assert.equal(early.people.reminders.length, 0);
    assert.deepEqual(
      early.people.retrosDue.map((r) => [r.number, r.stage]),
      [[incident.number, 'pending']],
    );
    assert.match(early.markdown, /### Retros due/);

    for (const run of [0, 1]) {
      const due = await status(w, clock(2 * DAY + HOUR + run * MINUTE)).run({ remind: true });
      assert.deepEqual(
        due.people.reminders.map((r) => [r.kind, r.posted]),
        [['retro-due', run === 0]],
      );
    }
    for (const run of [0, 1]) {
      const overdue = await status(w, clock(3 * DAY + HOUR + run * MINUTE)).run({ remind: true });
      assert.deepEqual(
        overdue.people.reminders.map((r) => [r.kind, r.posted]),
        [['retro-overdue', run === 0]],
      );
      assert.match(overdue.markdown, new RegExp(`#${incident.number} Checkout down.*⚠️ \\*\\*overdue\\*\\*`));
    }
    const reminders = nudges(sandbox(), incident.number, /^retro-/);
    assert.equal(reminders.length, 2);
    assert.match(reminders[0]?.body ?? '', /@octo-lead: draft it/);

    await new Retro(w.service()).post(incident.number, '# Retro\n\nWe rolled back.');
    const settled = await status(w, clock(3 * DAY + 2 * HOUR)).run({ remind: true });
    assert.deepEqual(settled.people.retrosDue, []);
    assert.doesNotMatch(settled.markdown, /### Retros due/);
  });

  it('a retro entry saying it was skipped, and why, clears the retro', async () => {
    const w = world(sandbox());
    const resolvedAt = new Date(Date.now() - 4 * DAY);
    const service = w.service({ now: resolvedAt });
    const incident = await new DeclareIncident(service).run({ title: 'False alarm', severity: 'minor' });
    await new ResolveIncident(service).run(incident.number);
    assert.equal((await status(w, new Date()).run()).people.retrosDue.length, 1);
    const entry = await new Retro(w.service()).skip(incident.number, 'Nothing broke: the alert was misconfigured.');
    assert.equal(entry.kind === 'retro' && entry.skipped, true);
    assert.deepEqual((await status(w, new Date()).run()).people.retrosDue, []);
    const shown = await new ShowIncident(w.service()).run(incident.number);
    assert.match(JSON.stringify(shown.timeline.at(-1)), /misconfigured/);
  });

  it('a break is recorded with its length and who called it, and the retro shows it', async () => {
    const w = world(sandbox());
    const service = w.service({ actor: 'octo-lead' });
    const incident = await new DeclareIncident(w.service()).run({ title: 'Checkout down', severity: 'major' });
    const entry = await wBreak(w, incident.number);
    assert.equal(entry.kind, 'break');
    assert.equal(entry.by, 'firebreak-dev');
    const retro = await new Retro(service).draft(incident.number);
    assert.match(retro, /☕ \*\*Break\*\* \(@firebreak-dev\): @firebreak-dev called a 20m break: Back at 11:20/);
  });

  async function wBreak(w: World, number: number) {
    return new CallBreak(w.service()).run(number, { minutes: 20, text: 'Back at 11:20' });
  }

  it('issue form: a declaration like an active incident gets one comment naming it', async () => {
    const w = world(sandbox());
    const existing = await new DeclareIncident(w.service()).run({ title: 'Checkout returns 500s', severity: 'major' });
    const form = sandbox().store.createIssueDirect(REPO, {
      title: 'Checkout 500 errors for everyone',
      body: issueFormBody({ severity: 'major', what: 'Customers cannot pay.' }),
      labels: ['incident'],
      author: 'octo-lead',
    });
    for (const run of [0, 1]) {
      const result = await status(w, new Date()).run({ similarFor: form.number });
      assert.deepEqual(
        result.people.reminders.map((r) => [r.kind, r.posted]),
        [['similar', run === 0]],
      );
    }
    const notes = nudges(sandbox(), form.number, /^similar-/);
    assert.equal(notes.length, 1);
    assert.match(notes[0]?.body ?? '', new RegExp(`#${existing.number} Checkout returns 500s.*similar title`));
    // A declaration made with Firebreak warned its declarer already: no comment.
    const viaCli = await new DeclareIncident(w.service()).run({
      title: 'Checkout 500 errors again',
      severity: 'major',
    });
    const result = await status(w, new Date()).run({ similarFor: viaCli.number });
    assert.equal(result.people.reminders.length, 0);
  });

  it('a 🚀 by someone with write access adds a discussion comment to the timeline and the retro', async () => {
    const w = world(sandbox());
    const incident = await new DeclareIncident(w.service()).run({ title: 'Checkout down', severity: 'major' });
    sandbox().store.addUser({ login: 'outsider', token: 'outsider-token', permission: 'read' });
    const store = sandbox().store;
    const marked = store.createCommentDirect(REPO, incident.number, {
      body: 'p99 latency on checkout-db doubled at 10:02',
      author: 'outsider',
    });
    const byOutsider = store.createCommentDirect(REPO, incident.number, {
      body: 'I think it is DNS',
      author: 'octo-scribe',
    });
    const plain = store.createCommentDirect(REPO, incident.number, { body: 'Anyone on it?', author: 'outsider' });
    // Reactions over HTTP, as people make them on GitHub: the lead (write) and the outsider (read).
    await wired(sandbox(), WRITER_TOKEN).gateway.createReaction(marked.id, 'rocket');
    await wired(sandbox(), 'outsider-token').gateway.createReaction(byOutsider.id, 'rocket');
    void plain;

    const before = sandbox().requests.length;
    const shown = await new ShowIncident(w.service()).run(incident.number);
    const paths = sandbox()
      .requests.slice(before)
      .map((r) => r.path);
    // Reactors are listed only for the two comments that have a rocket; each person's access is asked once: the
    // reacting writer, the outsider, and the author of the marker comments and the body.
    assert.equal(paths.filter((p) => p.includes('/reactions')).length, 2);
    assert.equal(paths.filter((p) => p.includes('/permission')).length, 3);
    const observations = shown.timeline.filter((e) => e.kind === 'observation');
    assert.equal(observations.length, 1);
    const observation = observations[0];
    assert.equal(observation?.by, 'outsider');
    assert.equal(observation?.at, marked.created_at);
    assert.deepEqual(observation && 'reaction' in observation ? observation.reaction : undefined, {
      content: 'rocket',
      by: ['octo-lead'],
    });
    const retro = await new Retro(w.service()).draft(incident.number);
    assert.match(retro, /👀 \*\*Observation\*\* \(@outsider\): p99 latency on checkout-db doubled at 10:02 \(marked/);
    assert.doesNotMatch(retro, /DNS/);
  });
});

describe('timeline from reactions: hostile comments', () => {
  const sandbox = useSandbox();

  it("an outsider's marked comment with an unclosed <details> and fence hides nothing of the retro after it", async () => {
    const w = world(sandbox());
    const incident = await new DeclareIncident(w.service()).run({ title: 'Cart empty', severity: 'major' });
    sandbox().store.addUser({ login: 'outsider', token: 'outsider-token', permission: 'read' });
    const comment = sandbox().store.createCommentDirect(REPO, incident.number, {
      body: 'Carts empty since 09:40 <details><summary>logs</summary> <img src=x onerror=alert(1)>\n```\nstack',
      author: 'outsider',
    });
    await wired(sandbox(), WRITER_TOKEN).gateway.createReaction(comment.id, 'rocket');
    const retro = await new Retro(w.service()).draft(incident.number);
    assert.match(retro, /Carts empty since 09:40 &lt;details>/);
    assert.doesNotMatch(retro, /<details|<img/i, 'no tag from the comment acts');
    // The sections after it are headings of their own, outside anything the comment opened.
    const after = retro.slice(retro.indexOf('Carts empty'));
    assert.match(after, /\n## Contributing factors\n[^]*\n## Action items\n/);
    assert.equal((after.slice(0, after.indexOf('## Contributing')).match(/^ {0,3}```/gm) ?? []).length % 2, 0);
  });
});

/** The core objects acting with another token (a reader or a writer reacting on GitHub). */
function wired(sandbox: Parameters<typeof wiredFixture>[0], token: string) {
  return wiredFixture(sandbox, { token });
}
