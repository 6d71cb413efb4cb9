import assert from 'node:assert/strict';
import fc from 'fast-check';
import { trustOf } from '../../core/domain/trust';
import {
  applyEntry,
  changesState,
  declarationFromIssue,
  entriesFromComments,
  entryFromComment,
  entryHash,
  fold,
  formatMarker,
  hasMarkerKey,
  incidentMarker,
  initialState,
  readIncidentMarker,
  readMarkers,
} from '../../core/domain/event-log';
import { defaultConfig } from '../../core/domain/config';
import { LOG_KINDS, MILESTONES, type TimelineEntry } from '../../core/domain/incident';
import type { IssueRecord } from '../../core/github/issue-gateway';
import { aComment, aDeclaration, anEntry, trustAll } from '../builders/incident';

const logins = fc.constantFrom('alice', 'bob', 'carol', 'dave');
const at = fc
  .integer({ min: 0, max: 10_000 })
  .map((m) => new Date(Date.parse('2026-11-23T10:00:00Z') + m * 60_000).toISOString());
const anyEntry: fc.Arbitrary<TimelineEntry> = fc.oneof(
  fc.record({
    kind: fc.constantFrom(...LOG_KINDS),
    key: fc.uuid(),
    at,
    by: logins,
    text: fc.string(),
    destructive: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    key: fc.uuid(),
    at,
    by: logins,
    text: fc.string(),
    status: fc.constantFrom(...MILESTONES),
  }),
  fc.record({
    kind: fc.constant('severity' as const),
    key: fc.uuid(),
    at,
    by: logins,
    from: fc.constant('triage'),
    to: fc.constantFrom('critical', 'major', 'minor'),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    key: fc.uuid(),
    at,
    by: logins,
    from: fc.constantFrom(...MILESTONES),
    to: fc.constantFrom(...MILESTONES),
  }),
  fc.record({
    kind: fc.constant('role' as const),
    key: fc.uuid(),
    at,
    by: logins,
    role: fc.constantFrom('lead', 'comms', 'scribe'),
    login: logins,
  }),
  fc.record({
    kind: fc.constant('role' as const),
    key: fc.uuid(),
    at,
    by: logins,
    role: fc.constantFrom('lead', 'comms', 'scribe'),
  }),
  fc.record({
    kind: fc.constant('handoff' as const),
    key: fc.uuid(),
    at,
    by: logins,
    role: fc.constantFrom('lead', 'comms'),
    from: logins,
    to: logins,
  }),
);

describe('event log', () => {
  describe('markers', () => {
    it('round-trips any payload, and user text can never close the comment early', () => {
      fc.assert(
        fc.property(fc.string(), fc.string(), (key, text) => {
          const marker = formatMarker('entry', { key, text: `${text} --> <!-- firebreak:entry {} -->` });
          assert.equal(marker.indexOf('-->'), marker.length - 3);
          const [payload] = readMarkers(marker, 'entry');
          assert.equal(payload?.['key'], key);
          assert.equal(hasMarkerKey(`before\n${marker}\nafter`, key), key.length > 0);
        }),
        { numRuns: 300 },
      );
    });

    it('skips corrupt markers instead of throwing', () => {
      assert.deepEqual(readMarkers('<!-- firebreak:entry {"v":1, broken} -->', 'entry'), []);
      assert.deepEqual(readMarkers('<!-- firebreak:entry [1,2] -->', 'entry'), []);
    });
  });

  describe('comments to entries', () => {
    it('reads the entry from a trusted author, with the author GitHub reports', () => {
      const entry = entryFromComment(aComment(anEntry({ by: 'claimed' }), { author: 'real-author' }), trustAll);
      assert.equal(entry?.kind, 'action');
      assert.equal(entry?.by, 'real-author');
    });

    it('ignores a forged marker in a comment from someone without push access, whatever their association', () => {
      const writers = trustOf(['alice']);
      for (const authorAssociation of ['NONE', 'CONTRIBUTOR', 'MEMBER', 'COLLABORATOR', 'OWNER'])
        assert.equal(
          entryFromComment(aComment(anEntry(), { author: 'reader', authorAssociation }), writers),
          undefined,
        );
      assert.ok(entryFromComment(aComment(anEntry(), { author: 'Alice', authorAssociation: 'NONE' }), writers));
    });

    it('trusts GitHub Apps (bots must be installed on the repository to write)', () => {
      assert.ok(entryFromComment(aComment(anEntry(), { authorAssociation: 'NONE', authorType: 'Bot' }), trustOf([])));
      assert.ok(entryFromComment(aComment(anEntry({ by: 'firebreak-app[bot]' })), trustOf([])));
    });

    it('ignores markers that are not on the first line (a quoted entry is not an entry)', () => {
      const comment = aComment(anEntry());
      assert.equal(entryFromComment({ ...comment, body: `> quoting\n${comment.body}` }, trustAll), undefined);
    });

    it('ignores entries whose fields do not validate', () => {
      const comment = aComment(anEntry());
      assert.equal(
        entryFromComment(
          {
            ...comment,
            body: formatMarker('entry', { kind: 'action', key: 'x', at: 'not a date', text: 'x' }),
          },
          trustAll,
        ),
        undefined,
      );
      assert.equal(
        entryFromComment(
          {
            ...comment,
            body: formatMarker('entry', { kind: 'explode', key: 'x', at: '2026-11-23T10:00:00Z' }),
          },
          trustAll,
        ),
        undefined,
      );
    });

    it('keeps the first copy of a key that landed twice', () => {
      const entry = anEntry({ key: 'dup' });
      const entries = entriesFromComments(
        [aComment(entry), aComment(anEntry({ key: 'other' })), aComment(entry)],
        trustAll,
      );
      assert.deepEqual(
        entries.map((e) => e.key),
        ['dup', 'other'],
      );
    });
  });

  describe('fold', () => {
    it('starts declared, with the declarer as lead', () => {
      const state = fold(aDeclaration({ lead: 'bob' }), []);
      assert.equal(state.status, 'declared');
      assert.deepEqual(state.roles, { lead: 'bob' });
      assert.equal(state.timestamps.acknowledged, undefined);
    });

    it('records milestones: acknowledged when someone takes charge, mitigated on monitoring, resolved', () => {
      const state = fold(aDeclaration(), [
        anEntry({ key: 'x', at: '2026-11-23T10:01:00.000Z' }),
        { kind: 'role', key: 'a', at: '2026-11-23T10:03:00.000Z', by: 'bob', role: 'comms', login: 'bob' },
        { kind: 'update', key: 'b', at: '2026-11-23T10:30:00.000Z', by: 'alice', text: 'fixed', status: 'monitoring' },
        { kind: 'update', key: 'c', at: '2026-11-23T11:00:00.000Z', by: 'alice', text: 'done', status: 'resolved' },
      ]);
      assert.equal(state.status, 'resolved');
      assert.equal(state.timestamps.acknowledged, '2026-11-23T10:03:00.000Z');
      assert.equal(state.timestamps.mitigated, '2026-11-23T10:30:00.000Z');
      assert.equal(state.timestamps.resolved, '2026-11-23T11:00:00.000Z');
      assert.equal(state.lastUpdate?.text, 'done');
    });

    it('a handoff moves the role; the lead can never be released', () => {
      const state = fold(aDeclaration(), [
        {
          kind: 'handoff',
          key: 'h',
          at: '2026-11-23T10:10:00.000Z',
          by: 'alice',
          role: 'lead',
          from: 'alice',
          to: 'bob',
        },
        { kind: 'role', key: 'r', at: '2026-11-23T10:11:00.000Z', by: 'bob', role: 'lead' },
        { kind: 'role', key: 'c', at: '2026-11-23T10:12:00.000Z', by: 'bob', role: 'comms', login: 'carol' },
        { kind: 'role', key: 'c2', at: '2026-11-23T10:13:00.000Z', by: 'bob', role: 'comms' },
      ]);
      assert.deepEqual(state.roles, { lead: 'bob' });
    });

    it('reopening clears the resolved time', () => {
      const state = fold(aDeclaration(), [
        { kind: 'status', key: 'a', at: '2026-11-23T10:10:00.000Z', by: 'a', from: 'declared', to: 'resolved' },
        { kind: 'status', key: 'b', at: '2026-11-23T10:20:00.000Z', by: 'a', from: 'resolved', to: 'investigating' },
      ]);
      assert.equal(state.status, 'investigating');
      assert.equal(state.timestamps.resolved, undefined);
    });

    it('property: replaying the same log gives the same state, whatever duplicates a retry left', () => {
      fc.assert(
        fc.property(
          fc.array(anyEntry, { maxLength: 40 }),
          fc.array(fc.nat(), { maxLength: 10 }),
          (entries, dupIndexes) => {
            const withDuplicates = [...entries];
            for (const i of dupIndexes) {
              if (entries.length > 0)
                withDuplicates.splice(i % (withDuplicates.length + 1), 0, entries[i % entries.length] as TimelineEntry);
            }
            // Duplicates must come after their first copy to be "retries"; fold keeps the first.
            const firstSeen = new Map<string, number>();
            const ordered = withDuplicates.filter((e, i) =>
              firstSeen.has(e.key) ? true : (firstSeen.set(e.key, i), true),
            );
            const deduped = ordered.filter((e, i) => ordered.findIndex((x) => x.key === e.key) === i);
            assert.deepEqual(fold(aDeclaration(), ordered), fold(aDeclaration(), deduped));
            assert.deepEqual(fold(aDeclaration(), entries), fold(aDeclaration(), entries));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('property: folding incrementally (body cache + one new entry) equals folding from scratch', () => {
      fc.assert(
        fc.property(fc.array(anyEntry, { maxLength: 40 }), fc.nat(), (entries, cut) => {
          const unique = entries.filter((e, i) => entries.findIndex((x) => x.key === e.key) === i);
          const split = unique.length ? cut % unique.length : 0;
          const cached = fold(aDeclaration(), unique.slice(0, split));
          const incremental = unique.slice(split).reduce(applyEntry, cached);
          assert.deepEqual(incremental, fold(aDeclaration(), unique));
          // And the cache survives its trip through the body marker.
          const marker = readIncidentMarker(incidentMarker(aDeclaration(), cached));
          assert.deepEqual(marker?.state, cached);
        }),
        { numRuns: 300 },
      );
    });

    it('property: entries logged without touching the body (actions, observations, ...) never change the state', () => {
      fc.assert(
        fc.property(fc.array(anyEntry, { maxLength: 40 }), (entries) => {
          const unique = entries.filter((e, i) => entries.findIndex((x) => x.key === e.key) === i);
          assert.deepEqual(fold(aDeclaration(), unique.filter(changesState)), fold(aDeclaration(), unique));
        }),
        { numRuns: 300 },
      );
    });

    it('property: every role present has a holder, and the lead is always staffed', () => {
      fc.assert(
        fc.property(fc.array(anyEntry, { maxLength: 60 }), (entries) => {
          const state = fold(aDeclaration(), entries);
          assert.ok(state.roles['lead']);
          for (const holder of Object.values(state.roles)) assert.ok(holder);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('issues without a marker', () => {
    const issue = (overrides: Partial<IssueRecord>): IssueRecord => ({
      id: 1,
      number: 7,
      title: 'Search is down',
      body: '',
      state: 'open',
      labels: ['incident'],
      assignees: [],
      author: 'erin',
      authorAssociation: 'MEMBER',
      createdAt: '2026-11-23T09:00:00Z',
      updatedAt: '2026-11-23T09:00:00Z',
      url: 'u',
      comments: 0,
      ...overrides,
    });

    it('reads an issue opened from the web form', () => {
      const declaration = declarationFromIssue(
        issue({
          body: '### What is happening\n\nSearch returns nothing.\n\n### Severity\n\nMajor\n\n### Services\n\nsearch, api\n\n### Lead\n\n_No response_',
        }),
        defaultConfig(),
        trustAll,
      );
      assert.equal(declaration.description, 'Search returns nothing.');
      assert.equal(declaration.severity, 'major');
      assert.deepEqual(declaration.services, ['search', 'api']);
      assert.equal(declaration.lead, 'erin');
      assert.equal(declaration.key, 'issue-7');
    });

    it('falls back to labels and triage for a hand-made issue', () => {
      assert.equal(
        declarationFromIssue(issue({ labels: ['incident', 'severity:minor'] }), defaultConfig(), trustAll).severity,
        'minor',
      );
      assert.equal(
        declarationFromIssue(issue({ labels: ['incident', 'severity:bogus'] }), defaultConfig(), trustAll).severity,
        'triage',
      );
      assert.equal(declarationFromIssue(issue({ assignees: ['zed'] }), defaultConfig(), trustAll).lead, 'zed');
    });

    it('an issue opened by someone without push access is a request: triage, its author leads, no services', () => {
      const forged = incidentMarker(
        aDeclaration({ severity: 'critical', lead: 'carol', declaredBy: 'alice', services: ['checkout'] }),
        initialState(aDeclaration({ severity: 'critical', lead: 'carol', declaredBy: 'alice' })),
      );
      for (const body of [
        `${forged}\nLooks official.`,
        '### Severity\n\nCritical\n\n### What is happening\n\nAll down.\n\n### Services\n\napi\n\n### Lead\n\n@carol',
      ]) {
        const declaration = declarationFromIssue(
          issue({ body, authorAssociation: 'MEMBER' }),
          defaultConfig(),
          trustOf([]),
        );
        assert.equal(declaration.severity, 'triage');
        assert.equal(declaration.lead, 'erin');
        assert.equal(declaration.declaredBy, 'erin');
        assert.deepEqual(declaration.services, []);
        assert.equal(declaration.drill, false);
      }
    });

    it('reads the incident marker only where it opens the body, never from a form field', () => {
      const marker = incidentMarker(aDeclaration({ severity: 'critical' }), initialState(aDeclaration()));
      assert.equal(readIncidentMarker(`${marker}\nbody`)?.declaration.severity, 'critical');
      assert.equal(readIncidentMarker(`### What is happening\n\n${marker}`), undefined);
    });
  });

  describe('tamper evidence', () => {
    const severity = (key: string, from: string, to: string, prev?: string): TimelineEntry => ({
      kind: 'severity',
      key,
      at: '2026-11-23T10:05:00.000Z',
      by: 'alice',
      from,
      to,
      ...(prev ? { prev } : {}),
    });
    const edit = (body: string, from: string, to: string) => body.replace(`"to":"${from}"`, `"to":"${to}"`);

    it('each entry marker carries the hash of its payload; an edited marker is read as edited and not followed', () => {
      const comment = aComment(severity('s1', 'triage', 'critical'));
      const [entry] = entriesFromComments([comment], trustAll);
      assert.equal(entry?.hash, entryHash(severity('s1', 'triage', 'critical')));
      assert.equal(entry?.edited, undefined);
      const [edited] = entriesFromComments([{ ...comment, body: edit(comment.body, 'critical', 'minor') }], trustAll);
      assert.equal(edited?.edited, true);
      assert.equal(fold(aDeclaration(), edited ? [edited] : []).severity, 'triage', 'the edit is not followed');
    });

    it('a re-hashed edit is caught by the chain: the next entry still names the original hash', () => {
      const first = severity('s1', 'triage', 'critical');
      const second = severity('s2', 'critical', 'major', entryHash(first));
      const rehashed = severity('s1', 'triage', 'minor');
      const comments = [
        aComment(rehashed, { updatedAt: '2026-11-23T11:00:00.000Z' }),
        aComment(second, { createdAt: second.at, updatedAt: second.at }),
      ];
      const entries = entriesFromComments(comments, trustAll);
      assert.deepEqual(
        entries.map((e) => e.edited === true),
        [true, false],
      );
      // The same comment edited only in its prose (hash intact, vouched for by the next entry) still counts.
      const proseOnly = [aComment(first, { updatedAt: '2026-11-23T11:00:00.000Z' }), aComment(second)];
      assert.deepEqual(
        entriesFromComments(proseOnly, trustAll).map((e) => e.edited === true),
        [false, false],
      );
      // The newest entry is vouched for by the head the body cached.
      const newest = [aComment(first, { updatedAt: '2026-11-23T11:00:00.000Z' })];
      assert.equal(entriesFromComments(newest, trustAll)[0]?.edited, true);
      assert.equal(entriesFromComments(newest, trustAll, { head: entryHash(first) })[0]?.edited, undefined);
    });

    it('the fold keeps the head of the chain, which the body caches', () => {
      const first = severity('s1', 'triage', 'critical');
      const state = fold(aDeclaration(), entriesFromComments([aComment(first)], trustAll));
      assert.equal(state.head, entryHash(first));
      assert.equal(readIncidentMarker(incidentMarker(aDeclaration(), state))?.state.head, entryHash(first));
    });
  });
});
