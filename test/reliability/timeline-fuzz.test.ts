// Timelines as they end up on GitHub: entries written twice, markers deleted, truncated or mangled by hand, foreign
// comments in between, markers forged by people without push access or quoted by people with it, bodies and labels
// edited by hand. Folding never throws and keeps exactly the trusted, intact entries once each; `repair` makes the
// body, labels, assignees and open/closed state agree with the comments, and a second repair has nothing to do.
import { trustOf } from '../../core/domain/trust';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultConfig } from '../../core/domain/config';
import { entriesFromComments, fold, initialState, readIncidentMarker, stateOnly } from '../../core/domain/event-log';
import type { Declaration, IncidentState, TimelineEntry } from '../../core/domain/incident';
import { IncidentContext } from '../../core/use-cases/incident-context';
import type {
  CommentRecord,
  IssueGateway,
  IssuePatch,
  IssueRecord,
  LabelRecord,
} from '../../core/github/issue-gateway';
import { assigneesFor, incidentFromComments, labelsFor } from '../../core/domain/issue-view';
import { createRenderer, renderEntryComment, renderIncidentBody } from '../../core/domain/render';
import type { Sandbox } from '../../sandbox/server';
import { declaration, entry, hostileText } from './arbitraries';
import {
  assertNoViolations,
  clientFor,
  ENGINEERS,
  OUTSIDER,
  sandboxesForEachTest,
  SEED,
  SIZE,
  SLUG,
  type Engineer,
} from './support';
import { property } from './table';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const renderer = createRenderer();
const config = defaultConfig();
const UNTRUSTED = ['NONE', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'MANNEQUIN'] as const;
const TRUSTED = ['OWNER', 'MEMBER', 'COLLABORATOR'] as const;

type Spec =
  | { kind: 'intact'; entry: TimelineEntry; association: (typeof TRUSTED)[number] | 'BOT' }
  | { kind: 'again'; of: number }
  | { kind: 'marker-deleted'; entry: TimelineEntry }
  | { kind: 'marker-truncated'; entry: TimelineEntry; cut: number }
  | { kind: 'foreign'; text: string; trusted: boolean }
  | { kind: 'forged'; entry: TimelineEntry; association: (typeof UNTRUSTED)[number] | (typeof TRUSTED)[number] }
  | { kind: 'quoted'; entry: TimelineEntry; how: 'quote' | 'second-line' | 'code' };

/** Keys are unique per spec so that "once each" is checkable; `again` repeats an earlier intact comment. */
function specs(): fc.Arbitrary<Spec[]> {
  return fc.array(fc.nat({ max: 99 }), { maxLength: 25 }).chain((rolls) =>
    fc.tuple(
      ...rolls.map((roll, i): fc.Arbitrary<Spec> => {
        const key = `key-${i}`;
        if (roll < 45)
          return fc.record({
            kind: fc.constant('intact' as const),
            entry: entry(key),
            association: fc.constantFrom(...TRUSTED, 'BOT' as const),
          });
        if (roll < 55) return fc.constant({ kind: 'again' as const, of: i });
        if (roll < 62) return entry(key).map((e) => ({ kind: 'marker-deleted' as const, entry: e }));
        if (roll < 69)
          return fc.record({ kind: fc.constant('marker-truncated' as const), entry: entry(key), cut: fc.nat() });
        if (roll < 80)
          return fc.record({ kind: fc.constant('foreign' as const), text: hostileText(), trusted: fc.boolean() });
        if (roll < 90)
          return fc.record({
            kind: fc.constant('forged' as const),
            entry: entry(key),
            // Any association: a reader's MEMBER or a forged COLLABORATOR is no permission.
            association: fc.constantFrom(...UNTRUSTED, ...TRUSTED),
          });
        return fc.record({
          kind: fc.constant('quoted' as const),
          entry: entry(key),
          how: fc.constantFrom('quote' as const, 'second-line' as const, 'code' as const),
        });
      }),
    ),
  );
}

interface Built {
  readonly comments: CommentRecord[];
  /** Keys of intact trusted entries, first occurrence order. */
  readonly expected: string[];
  /** Keys that must never appear (forged, quoted, deleted or truncated markers). */
  readonly forbidden: Set<string>;
}

function build(list: readonly Spec[]): Built {
  const comments: CommentRecord[] = [];
  const expected: string[] = [];
  const forbidden = new Set<string>();
  const intact: (CommentRecord | undefined)[] = [];
  const add = (body: string, association: string, authorType = 'User', author = 'oncall-1') => {
    const id = 1000 + comments.length;
    const comment: CommentRecord = {
      id,
      body,
      author,
      authorType,
      authorAssociation: association,
      createdAt: '2026-11-23T10:00:00Z',
      updatedAt: '2026-11-23T10:00:00Z',
      url: `https://github.com/acme/incidents/issues/1#issuecomment-${id}`,
    };
    comments.push(comment);
    return comment;
  };
  list.forEach((spec, i) => {
    switch (spec.kind) {
      case 'intact': {
        const bot = spec.association === 'BOT';
        intact[i] = add(
          renderEntryComment(spec.entry, renderer),
          bot ? 'NONE' : spec.association,
          bot ? 'Bot' : 'User',
          bot ? 'github-actions[bot]' : 'oncall-1',
        );
        if (!expected.includes(spec.entry.key)) expected.push(spec.entry.key);
        break;
      }
      case 'again': {
        // The earliest intact comment at or before this one, written again (a retry that landed twice).
        const earlier = intact.slice(0, spec.of).reverse().find(Boolean);
        if (earlier) add(earlier.body, earlier.authorAssociation, earlier.authorType, earlier.author);
        break;
      }
      case 'marker-deleted':
        add(renderEntryComment(spec.entry, renderer).split('\n').slice(1).join('\n'), 'COLLABORATOR');
        forbidden.add(spec.entry.key);
        break;
      case 'marker-truncated': {
        const body = renderEntryComment(spec.entry, renderer);
        const firstLine = body.split('\n', 1)[0] ?? '';
        // Cut somewhere before the closing `-->`: the marker no longer closes on its line.
        add(
          firstLine.slice(0, spec.cut % Math.max(1, firstLine.length - 3)) + body.slice(firstLine.length),
          'COLLABORATOR',
        );
        forbidden.add(spec.entry.key);
        break;
      }
      case 'foreign':
        // A comment that starts with a marker is an entry by design when its author can push: that is `intact`.
        add(`Note: ${spec.text}`, spec.trusted ? 'MEMBER' : 'NONE', 'User', 'someone');
        break;
      case 'forged':
        add(renderEntryComment(spec.entry, renderer), spec.association, 'User', OUTSIDER.login);
        forbidden.add(spec.entry.key);
        break;
      case 'quoted': {
        const body = renderEntryComment(spec.entry, renderer);
        const quoted =
          spec.how === 'quote'
            ? body
                .split('\n')
                .map((l) => `> ${l}`)
                .join('\n')
            : spec.how === 'second-line'
              ? `Look what I found:\n${body}`
              : `\`\`\`\n${body}\n\`\`\``;
        add(quoted, 'COLLABORATOR');
        forbidden.add(spec.entry.key);
        break;
      }
    }
  });
  for (const key of expected) forbidden.delete(key);
  return { comments, expected, forbidden };
}

/** An issue as people leave it: the body rendered, edited, emptied or replaced; any labels; open or closed. */
function issueArbitrary(): fc.Arbitrary<{ issue: IssueRecord; declaration: Declaration; intactBody: boolean }> {
  return fc
    .record({
      declaration,
      body: fc.constantFrom('rendered', 'marker-deleted', 'marker-corrupted', 'form', 'junk', 'empty'),
      junk: hostileText(),
      labels: fc.array(
        fc.constantFrom(
          'incident',
          'severity:major',
          'severity:bogus',
          'status:monitoring',
          'status:nope',
          'role:comms',
          'drill',
          'customer-impact',
          'p1',
        ),
        { maxLength: 6 },
      ),
      state: fc.constantFrom('open' as const, 'closed' as const),
      assignees: fc.array(fc.constantFrom('oncall-1', 'oncall-2', 'stranger'), { maxLength: 3 }),
    })
    .map(({ declaration: d, body: how, junk, labels, state, assignees }) => {
      const rendered = renderIncidentBody(d, initialState(d), config, renderer);
      const lines = rendered.split('\n');
      const body =
        how === 'rendered'
          ? rendered
          : how === 'marker-deleted'
            ? lines.slice(1).join('\n')
            : how === 'marker-corrupted'
              ? [(lines[0] ?? '').replace('"declaration"', '"declaratio'), ...lines.slice(1)].join('\n')
              : how === 'form'
                ? `### Severity\n\nmajor\n\n### What is happening\n\n${junk}\n\n### Lead\n\n@oncall-2`
                : how === 'junk'
                  ? junk
                  : '';
      const issue: IssueRecord = {
        id: 1,
        number: 1,
        title: d.title,
        body,
        state,
        labels: [...new Set(['incident', ...labels])],
        assignees: [...new Set(assignees)],
        author: 'oncall-1',
        authorAssociation: 'COLLABORATOR',
        createdAt: '2026-11-23T09:00:00Z',
        updatedAt: '2026-11-23T09:00:00Z',
        url: 'https://github.com/acme/incidents/issues/1',
        comments: 0,
      };
      return { issue, declaration: d, intactBody: how === 'rendered' };
    });
}

/** Prose the marker had to cut (with a note) is the start of the full text; everything else is the fold itself. */
function assertCachedState(cached: IncidentState, folded: IncidentState): void {
  const cut = (kept: string | undefined, full: string | undefined) =>
    kept === full ||
    (kept !== undefined &&
      full !== undefined &&
      /_\(truncated: \d+ more characters not shown\)_$/.test(kept) &&
      full.startsWith(kept.replace(/\n\n_\(truncated: \d+ more characters not shown\)_$/, '')));
  assert.ok(cut(cached.description, folded.description), 'the cached description is the description, or its start');
  assert.ok(cut(cached.lastUpdate?.text, folded.lastUpdate?.text), 'the cached update is the update, or its start');
  const prose = (s: IncidentState) => ({
    ...s,
    description: '',
    ...(s.lastUpdate ? { lastUpdate: { ...s.lastUpdate, text: '' } } : {}),
  });
  assert.deepEqual(prose(cached), prose(folded), 'the cached state is the fold of the comments');
}

/** The gateway faked in memory (the seam the house style allows): one issue and its comments. */
class OneIssueGateway implements IssueGateway {
  readonly repo = { owner: 'acme', name: 'incidents' };
  readonly webUrl = 'https://github.com';
  writes = 0;
  constructor(
    public issue: IssueRecord,
    private readonly comments: readonly CommentRecord[],
  ) {}
  async getIssue(): Promise<IssueRecord> {
    return { ...this.issue, comments: this.comments.length };
  }
  async listComments(): Promise<CommentRecord[]> {
    return [...this.comments];
  }
  async updateIssue(_n: number, patch: IssuePatch): Promise<IssueRecord> {
    this.writes++;
    const { stateReason: _reason, ...rest } = patch;
    this.issue = {
      ...this.issue,
      ...rest,
      labels: patch.labels ?? this.issue.labels,
      assignees: patch.assignees ?? this.issue.assignees,
      updatedAt: new Date().toISOString(),
    };
    return this.issue;
  }
  async addLabels(_n: number, labels: readonly string[]): Promise<LabelRecord[]> {
    this.writes++;
    const lower = new Set(this.issue.labels.map((l) => l.toLowerCase()));
    this.issue = {
      ...this.issue,
      labels: [...this.issue.labels, ...labels.filter((l) => !lower.has(l.toLowerCase()))],
    };
    return this.issue.labels.map((name) => ({ name, color: 'ededed', description: null }));
  }
  async removeLabel(_n: number, name: string): Promise<void> {
    this.writes++;
    this.issue = { ...this.issue, labels: this.issue.labels.filter((l) => l.toLowerCase() !== name.toLowerCase()) };
  }
  createIssue = unexpected;
  listIssues = unexpected;
  createComment = unexpected;
  hasCommentWithKey = unexpected;
  updateComment = unexpected;
  listLabels = unexpected;
  upsertLabel = unexpected;
  createLabel = unexpected;
  getLabel = unexpected;
  updateLabelDescription = unexpected;
  deleteLabel = unexpected;
  listAssignable = unexpected;
  addSubIssue = unexpected;
  listSubIssues = unexpected;
  currentUser = unexpected;
  repository = unexpected;
  listReactions = unexpected;
  createReaction = unexpected;
  canPush = unexpected;
  findUser = unexpected;
}

async function unexpected(): Promise<never> {
  throw new Error('repair does not call this');
}

describe('reliability: timeline fuzzing (folding, forged markers, repair)', function () {
  this.timeout(10 * 60_000);

  let folded = 0;
  it(
    `${SIZE.cases} timelines: folding keeps every trusted intact entry once, in order, and nothing forged, quoted or broken`,
    property(
      'P3. fold hand-edited timelines',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(specs(), issueArbitrary(), (list, { issue, declaration: d, intactBody }) => {
            const { comments, expected, forbidden } = build(list);
            // Who may write, as GitHub's permission says (the test's writers): not the comments' associations.
            const writers = trustOf(['oncall-1']);
            const entries = entriesFromComments(comments, writers);
            assert.deepEqual(
              entries.map((e) => e.key),
              expected,
            );
            for (const e of entries) assert.ok(!forbidden.has(e.key), `${e.key} must not count`);
            const { incident } = incidentFromComments(
              { repo: { owner: 'acme', name: 'incidents' }, issue, config },
              comments,
              writers,
            );
            assert.deepEqual(
              incident.timeline.map((e) => e.key),
              expected,
            );
            if (intactBody) assert.equal(incident.declaration.key, d.key);
            const state = fold(incident.declaration, entries);
            assert.deepEqual(
              stateOnly(incident),
              issue.state === 'closed' && state.status !== 'resolved' ? { ...state, status: 'resolved' } : state,
            );
            folded += entries.length;
          }),
          { numRuns: SIZE.cases, seed: SEED + 10, includeErrorInReport: true },
        ),
      () => `${folded} entries folded`,
    ),
  );

  let repaired = 0;
  it(
    `${SIZE.cases} hand-edited incidents: repair makes body, labels, assignees and state agree with the timeline, and a second repair does nothing`,
    property(
      'P3. repair (gateway in memory)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.asyncProperty(specs(), issueArbitrary(), async (list, { issue }) => {
            const { comments } = build(list);
            const gateway = new OneIssueGateway(issue, comments);
            const service = new IncidentContext({ config, gateway, renderer, actor: 'oncall-1' });
            const first = await new RepairIncident(service).run(1);
            const writes = gateway.writes;
            const second = await new RepairIncident(service).run(1);
            assert.deepEqual(
              second.changed,
              [],
              `the second repair has nothing to do (the first changed ${first.changed.join(', ')})`,
            );
            assert.equal(gateway.writes, writes, 'and writes nothing');
            const marker = readIncidentMarker(gateway.issue.body);
            assert.ok(marker, 'the body carries an intact marker');
            assertCachedState(marker.state, stateOnly(second.incident));
            assert.deepEqual(
              [...gateway.issue.labels].sort(),
              [...labelsFor(second.incident, config, second.incident.otherLabels)].sort(),
            );
            // GitHub keeps assignees as a set (its answers order them its own way): repair compares them as one.
            assert.deepEqual(
              [...gateway.issue.assignees].sort(),
              [...(second.incident.request ? [] : assigneesFor(second.incident))].sort(),
            );
            assert.equal(gateway.issue.state, second.incident.status === 'resolved' ? 'closed' : 'open');
            repaired++;
          }),
          { numRuns: SIZE.cases, seed: SEED + 11, includeErrorInReport: true },
        ),
      () => `${repaired} incidents repaired`,
    ),
  );

  describe('against the sandbox', () => {
    const start = sandboxesForEachTest();
    let sandboxRepaired = 0;
    let forgedIgnored = 0;
    it(
      `${SIZE.sandboxCases} incidents edited by hand on GitHub, with forged comments from a reader: repair restores a consistent view`,
      property(
        'P3. repair (sandbox, forged comments)',
        `${SIZE.sandboxCases} cases`,
        async () => {
          const sandbox: Sandbox = await start();
          const lead = clientFor(sandbox, ENGINEERS[0] as Engineer);
          const repo = sandbox.store.repo(SLUG);
          assert.ok(repo);
          await fc.assert(
            fc.asyncProperty(
              fc.record({
                title: hostileText({ maxPieces: 6 }),
                description: hostileText(),
                logs: fc.array(hostileText({ maxPieces: 8 }), { maxLength: 4 }),
                severity: fc.constantFrom('critical', 'minor'),
                edit: fc.constantFrom('body-deleted', 'body-replaced', 'marker-corrupted', 'none'),
                junk: hostileText(),
                labels: fc.array(
                  fc.constantFrom('severity:bogus', 'status:resolved', 'role:scribe', 'customer-impact'),
                  { maxLength: 3 },
                ),
                dropLabels: fc.boolean(),
                close: fc.boolean(),
                assignees: fc.array(fc.constantFrom('oncall-2', 'oncall-3', 'octo-lead'), { maxLength: 2 }),
                forged: fc.array(fc.constantFrom('severity', 'status', 'role'), { maxLength: 3 }),
                corruptComment: fc.boolean(),
              }),
              async (c) => {
                // Text that is empty once control characters are stripped is refused by design: add a letter.
                const declared = await new DeclareIncident(lead.service).run({
                  title: `${c.title} x`,
                  description: c.description,
                });
                for (const text of c.logs)
                  await new LogEntry(lead.service).run(declared, { kind: 'observation', text: `${text} x` });
                const issue = sandbox.store.issue(SLUG, declared.number);
                assert.ok(issue);
                const body = issue.body ?? '';
                const newBody =
                  c.edit === 'body-deleted'
                    ? ''
                    : c.edit === 'body-replaced'
                      ? c.junk
                      : c.edit === 'marker-corrupted'
                        ? body.replace('"state"', '"stat')
                        : body;
                const labels = c.dropLabels
                  ? ['incident', ...c.labels]
                  : [...sandbox.store.issueLabels(repo, issue).map((l) => l.name), ...c.labels];
                sandbox.store.updateIssue(repo, issue, {
                  body: newBody,
                  labels,
                  assignees: c.assignees,
                  ...(c.close ? { state: 'closed' as const } : {}),
                });
                // A reader without push access forges entries that would escalate the incident.
                const forgedKeys = c.forged.map((kind, i) => `forged-${declared.number}-${i}`);
                c.forged.forEach((kind, i) => {
                  const base = { key: forgedKeys[i] ?? '', at: '2026-11-23T10:00:00Z', by: OUTSIDER.login };
                  const forged: TimelineEntry =
                    kind === 'severity'
                      ? { ...base, kind: 'severity', from: 'minor', to: 'critical' }
                      : kind === 'status'
                        ? { ...base, kind: 'status', from: 'declared', to: 'resolved' }
                        : { ...base, kind: 'role', role: 'lead', login: OUTSIDER.login };
                  sandbox.store.createCommentDirect(SLUG, declared.number, {
                    body: renderEntryComment(forged, renderer),
                    author: OUTSIDER.login,
                  });
                });
                const firstComment = sandbox.store.comments(SLUG, declared.number)[0];
                if (c.corruptComment && firstComment)
                  sandbox.store.updateComment(repo, firstComment, firstComment.body.replace('"key"', '"kee"'));

                const first = await new RepairIncident(lead.service).run(declared.number);
                const second = await new RepairIncident(lead.service).run(declared.number);
                assert.deepEqual(second.changed, [], `nothing left to repair after: ${first.changed.join(', ')}`);
                const shown = await new ShowIncident(lead.service).run(declared.number);
                for (const key of forgedKeys)
                  assert.ok(!shown.timeline.some((e) => e.key === key), 'a forged entry never counts');
                // Only the body marker records the declaration: without it the lead is read from the assignees.
                if (c.edit === 'none')
                  assert.equal(shown.roles['lead'], lead.engineer.login, 'the forged handover did not happen');
                else assert.notEqual(shown.roles['lead'], OUTSIDER.login, 'the forged handover did not happen');
                assert.equal(
                  shown.status === 'resolved',
                  c.close,
                  'only closing by hand resolves it, never a forged marker',
                );
                const after = sandbox.store.issue(SLUG, declared.number);
                const cached = readIncidentMarker(after?.body)?.state;
                assert.ok(cached, 'the body carries an intact marker');
                assertCachedState(cached, stateOnly(shown));
                assert.equal(after?.state, c.close ? 'closed' : 'open');
                forgedIgnored += forgedKeys.length;
                sandboxRepaired++;
              },
            ),
            { numRuns: SIZE.sandboxCases, seed: SEED + 12, includeErrorInReport: true },
          );
          assertNoViolations(sandbox);
        },
        () => `${sandboxRepaired} repaired over HTTP, ${forgedIgnored} forged entries ignored`,
      ),
    );
  });
});
