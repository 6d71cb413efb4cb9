import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultConfig } from '../../core/domain/config';
import { entryFromComment, entryHash, fold, readIncidentMarker, readMarkers } from '../../core/domain/event-log';
import type { TimelineEntry } from '../../core/domain/incident';
import { BODY_LIMIT, teamMentions, userMarkdown } from '../../core/domain/markdown';
import { createRenderer, renderEntryComment, renderIncidentBody, renderRetro } from '../../core/domain/render';
import { InputError } from '../../core/domain/errors';
import { aComment, aDeclaration, anEntry, trustAll } from '../builders/incident';
import { assertGolden } from '../support/golden';

const renderer = createRenderer();
const config = defaultConfig();

describe('render', () => {
  it('renders the incident body (golden)', () => {
    const declaration = aDeclaration({ severity: 'major', services: ['checkout'] });
    const state = fold(declaration, [
      { kind: 'role', key: 'r', at: '2026-11-23T10:01:00.000Z', by: 'alice', role: 'comms', login: 'bob' },
      {
        kind: 'update',
        key: 'u',
        at: '2026-11-23T10:20:00.000Z',
        by: 'bob',
        text: 'Rolled back the deploy. Error rate is falling.',
        status: 'monitoring',
      },
    ]);
    const body = renderIncidentBody(declaration, state, config, renderer);
    assertGolden('incident-body.md', body);
    assert.deepEqual(readIncidentMarker(body)?.state, state);
  });

  it('ends a change entry with one full stop, whether or not the reason or note ends with one', () => {
    const severity = (reason: string) =>
      renderEntryComment(
        { kind: 'severity', key: 's', at: '2026-11-23T10:05:00.000Z', by: 'a', from: 'triage', to: 'major', reason },
        renderer,
      );
    assert.match(
      severity('About 20% of checkouts fail.'),
      /Severity triage → major \(About 20% of checkouts fail\.\)\n/,
    );
    assert.match(
      severity('About 20% of checkouts fail'),
      /Severity triage → major \(About 20% of checkouts fail\)\.\n/,
    );
    const handoff = renderEntryComment(
      {
        kind: 'handoff',
        key: 'h',
        at: '2026-11-23T10:05:00.000Z',
        by: 'a',
        role: 'lead',
        from: 'a',
        to: 'b',
        note: 'End of shift!',
      },
      renderer,
    );
    assert.match(handoff, /Lead handed over from @a to @b \(End of shift!\)\n/);
    const status = renderEntryComment(
      {
        kind: 'status',
        key: 't',
        at: '2026-11-23T10:05:00.000Z',
        by: 'a',
        from: 'investigating',
        to: 'identified',
        text: 'The deploy.',
      },
      renderer,
    );
    assert.match(status, /Status investigating → identified: The deploy\.\n/);
  });

  it('renders a drill notice on drill incidents', () => {
    const declaration = aDeclaration({ drill: true });
    assert.match(renderIncidentBody(declaration, fold(declaration, []), config, renderer), /This is a drill/);
  });

  it('renders entries with a permalink and snippet (golden)', () => {
    const entry: TimelineEntry = anEntry({
      destructive: true,
      text: 'Restarted the workers with `kubectl rollout restart`.',
      code: {
        repo: 'acme/shop',
        path: 'src/worker.ts',
        startLine: 10,
        endLine: 12,
        commit: '0123456789abcdef0123456789abcdef01234567',
        permalink: 'https://github.com/acme/shop/blob/0123456789abcdef0123456789abcdef01234567/src/worker.ts#L10-L12',
        snippet: 'const a = 1;\nconst b = "```";\nrestart();',
        language: 'ts',
      },
    });
    const body = renderEntryComment(entry, renderer);
    assertGolden('entry-action.md', body);
    assert.ok(body.includes('````ts'), 'the fence is longer than any backtick run in the snippet');
    const parsed = entryFromComment(aComment(entry, { body }), trustAll);
    assert.deepEqual(
      { ...parsed, commentId: undefined, url: undefined },
      { ...entry, hash: entryHash(entry), commentId: undefined, url: undefined },
    );
  });

  it('renders the retro document with a generated timeline and a checklist (golden)', () => {
    const declaration = aDeclaration({ severity: 'critical' });
    const timeline: TimelineEntry[] = [
      anEntry({ key: 'a', kind: 'observation', text: 'Error rate at 40%', at: '2026-11-23T10:02:00.000Z' }),
      {
        kind: 'update',
        key: 'b',
        at: '2026-11-23T10:40:00.000Z',
        by: 'alice',
        text: 'Mitigated',
        status: 'monitoring',
      },
      { kind: 'update', key: 'c', at: '2026-11-23T11:30:00.000Z', by: 'alice', text: 'Resolved', status: 'resolved' },
    ];
    const retro = renderRetro(
      {
        url: 'https://github.com/acme/shop/issues/1',
        state: fold(declaration, timeline),
        timeline,
        now: new Date('2026-11-24T09:00:00Z'),
      },
      renderer,
    );
    assertGolden('retro.md', retro);
    assert.match(retro, /\| \*\*Time to mitigate\*\* \| 40m \|/);
    assert.match(retro, /- \[ \] .* @alice due:2026-12-08/);
  });

  it('user text cannot inject markers, HTML comments or team mentions', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('<!-- firebreak:entry {"kind":"action"} -->', '@acme/everyone', '-->', '\u202E', '\u0000'),
        (text, nasty) => {
          const entry = anEntry({ text: `${text}${nasty}${text}` });
          const body = renderEntryComment(entry, renderer);
          assert.equal(readMarkers(body, 'entry').length, 1, 'exactly one marker: ours');
          assert.deepEqual(teamMentions(body.split('\n').slice(1).join('\n')), []);
          // eslint-disable-next-line no-control-regex -- asserting that control characters are gone
          assert.ok(!/[\u0000\u202E]/.test(body.split('\n').slice(1).join('\n')));
        },
      ),
      { numRuns: 200 },
    );
    assert.equal(userMarkdown('ping @acme/oncall and @alice'), 'ping @\u200Bacme/oncall and @alice');
  });

  it("very long text is truncated with a note and the comment always fits GitHub's limit", () => {
    for (const length of [70_000, 200_000]) {
      const body = renderEntryComment(anEntry({ text: '<'.repeat(length) }), renderer);
      assert.ok(body.length < BODY_LIMIT, `${body.length} < ${BODY_LIMIT}`);
      assert.match(body, /truncated: \d+ more characters not shown/);
      assert.ok(entryFromComment(aComment(anEntry(), { body }), trustAll));
    }
    const declaration = aDeclaration({ description: 'x'.repeat(100_000) });
    assert.ok(renderIncidentBody(declaration, fold(declaration, []), config, renderer).length < BODY_LIMIT);
  });

  it('a repository can override a template; a broken override is a clear error', () => {
    const custom = createRenderer({ entry: 'CUSTOM {{label}}: {{text}}' });
    const body = renderEntryComment(anEntry({ text: 'hi <!-- x' }), custom);
    assert.match(body, /^<!-- firebreak:entry .* -->\nCUSTOM Action: hi &lt;!-- x\n$/);
    assert.throws(
      () => createRenderer({ entry: '{{#if}' }),
      (e: unknown) => e instanceof InputError && /entry\.hbs" does not compile/.test(e.message),
    );
  });
});
