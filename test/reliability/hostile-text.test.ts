// Titles and texts with Markdown, HTML comments and forged `<!-- firebreak:` markers, @org/team mentions, control
// and bidi characters, right-to-left text and 65,536+ characters. Rendered, they never carry a second marker, never
// open an HTML comment, never mention a team, never hide text behind control characters, and always fit GitHub's
// body limit (cut with a note); sent to the sandbox, no write is ever refused with a 422.
import { trustAll } from '../builders/incident';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultConfig } from '../../core/domain/config';
import { GitHubError } from '../../core/domain/errors';
import { entryFromComment, fold, initialState, readIncidentMarker } from '../../core/domain/event-log';
import type { Incident, TimelineEntry } from '../../core/domain/incident';
import { describeIncident } from '../../cli/incident-commands';
import { terminalText } from '../../cli/terminal';
import { BODY_LIMIT, teamMentions, userLine, withoutMentions } from '../../core/domain/markdown';
import { mentionedLogins } from '../../sandbox/notifications';
import { createRenderer, renderEntryComment, renderIncidentBody } from '../../core/domain/render';
import { codeRef, declaration, entry, hostileText, sometimesHuge } from './arbitraries';
import {
  assertNoViolations,
  clientFor,
  ENGINEERS,
  errorText,
  sandboxesForEachTest,
  SEED,
  SIZE,
  SLUG,
  type Engineer,
} from './support';
import { property } from './table';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';
import { ShowIncident } from '../../core/use-cases/show-incident';

const renderer = createRenderer();
const config = defaultConfig();
// Everything a terminal could act on: ESC, C0 and C1 controls (0x9B is a one-byte CSI), DEL and bidi overrides.
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const HIDING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** The readable part of a body (after the marker line), fenced code removed: what GitHub renders as Markdown. */
function markdownOutsideCode(body: string): string {
  const readable = body.slice(body.indexOf('\n') + 1);
  const lines = readable.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const opening = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && opening) fence = opening;
    else if (fence !== undefined && line.trim() === fence) fence = undefined;
    else if (fence === undefined) out.push(line);
  }
  return out.join('\n');
}

/** What every rendered body must satisfy, whatever went in. */
function assertSafeBody(body: string, type: 'entry' | 'incident'): void {
  assert.ok(
    [...body].length <= BODY_LIMIT && body.length <= BODY_LIMIT,
    `fits GitHub's limit: ${body.length} characters`,
  );
  assert.ok(body.startsWith(`<!-- firebreak:${type} `), 'starts with its marker');
  const firstLine = body.split('\n', 1)[0] ?? '';
  assert.ok(
    firstLine.endsWith(' -->') && firstLine.indexOf('-->') === firstLine.length - 3,
    'the marker closes once, at the end of its line',
  );
  const markdown = markdownOutsideCode(body);
  assert.ok(
    !markdown.includes('<!--'),
    'no HTML comment opens in the readable part (no forged marker, no hidden text)',
  );
  assert.deepEqual(teamMentions(markdown), [], 'no team is mentioned');
  assert.ok(!HIDING.test(markdown), 'no control or bidi characters in the readable part');
}

describe('reliability: hostile titles and texts', function () {
  this.timeout(10 * 60_000);

  let longest = 0;
  it(
    `${SIZE.cases} entries of every kind: one marker, no comment, no team mention, no hidden characters, within the limit; the entry reads back`,
    property(
      'P4. render entries (hostile text)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(entry('key-1'), (e: TimelineEntry) => {
            const body = renderEntryComment(e, renderer);
            assertSafeBody(body, 'entry');
            const back = entryFromComment(
              {
                id: 1,
                body,
                author: e.by,
                authorType: 'User',
                authorAssociation: 'COLLABORATOR',
                createdAt: e.at,
                updatedAt: e.at,
                url: '',
              },
              trustAll,
            );
            assert.ok(back, 'the entry reads back from its comment');
            assert.equal(back.key, e.key);
            assert.equal(back.kind, e.kind);
            longest = Math.max(longest, body.length);
          }),
          { numRuns: SIZE.cases, seed: SEED + 20, includeErrorInReport: true },
        ),
      () => `longest comment ${longest} characters`,
    ),
  );

  let longestBody = 0;
  it(
    `${SIZE.cases} incident bodies with hostile titles, descriptions and updates: safe, within the limit, and the marker reads back`,
    property(
      'P4. render incident bodies (hostile text)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(declaration, sometimesHuge(hostileText()), fc.boolean(), (d, update, withUpdate) => {
            const state = withUpdate
              ? fold(d, [
                  { kind: 'update', key: 'u', at: d.declaredAt, by: d.lead, text: update, status: 'monitoring' },
                ])
              : initialState(d);
            const body = renderIncidentBody(d, state, config, renderer);
            assertSafeBody(body, 'incident');
            const marker = readIncidentMarker(body);
            assert.ok(marker, 'the marker reads back');
            assert.equal(marker.declaration.key, d.key);
            assert.equal(marker.state.status, state.status);
            longestBody = Math.max(longestBody, body.length);
          }),
          { numRuns: SIZE.cases, seed: SEED + 21, includeErrorInReport: true },
        ),
      () => `longest body ${longestBody} characters`,
    ),
  );

  let printed = 0;
  it(
    `${SIZE.cases} incidents with hostile titles and entries printed by the CLI: no escape sequence or control character reaches the terminal`,
    property(
      'P4. CLI terminal output (hostile text)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(declaration, fc.array(entry('key-t'), { maxLength: 4 }), (d, entries) => {
            const state = fold(d, entries);
            const incident: Incident = {
              ...state,
              declaration: d,
              repo: { owner: 'acme', name: 'shop' },
              number: 7,
              url: 'https://github.com/acme/shop/issues/7',
              open: true,
              otherLabels: [],
              assignees: [],
              timeline: entries,
              timelineLoaded: true,
              updatedAt: d.declaredAt,
            };
            const shown = terminalText(describeIncident(incident));
            assert.ok(!TERMINAL_CONTROL.test(shown), `no escape or control character: ${JSON.stringify(shown)}`);
            printed++;
          }),
          { numRuns: SIZE.cases, seed: SEED + 23, includeErrorInReport: true },
        ),
      () => `${printed} incidents printed`,
    ),
  );

  // Outputs that are not issue bodies: job summaries and tables (one-line text), alert text (persons notified).
  const OUTPUT_FRAGMENTS = ['<img src=x onerror=alert(1)>', '@octo-lead', '&#64;octo-lead', '@acme/sre', 'a@b.io', '<'];
  // Without code (backticks, tildes): what is left is prose, where nothing may act or notify.
  const prose = fc
    .array(fc.oneof(hostileText({ maxPieces: 6 }), fc.constantFrom(...OUTPUT_FRAGMENTS)), { maxLength: 8 })
    .map((parts) => parts.join(' ').replace(/[`~]/g, "'"));
  let defused = 0;
  it(
    `${SIZE.cases} hostile lines for job summaries and alert text: no HTML tag in a line, no mention in alert text`,
    property(
      'P4. summaries and alert text (hostile text)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(prose, (text) => {
            assert.ok(!userLine(text, 500).includes('<'), 'no tag opens in a line of a summary or table');
            const quiet = withoutMentions(text);
            assert.deepEqual(mentionedLogins(quiet), [], 'alert text mentions no person');
            assert.deepEqual(teamMentions(quiet), [], 'alert text mentions no team');
            if (mentionedLogins(text).length > 0) defused++;
          }),
          { numRuns: SIZE.cases, seed: SEED + 23, includeErrorInReport: true },
        ),
      () => `${defused} texts had mentions, all defused`,
    ),
  );

  describe('against the sandbox', () => {
    const start = sandboxesForEachTest();
    let writes = 0;
    let refused = 0;
    it(
      `${SIZE.sandboxCases} incidents declared, logged, updated and handed over with hostile text: never a 422, and the timeline reads back`,
      property(
        'P4. hostile text over HTTP (no 422)',
        `${SIZE.sandboxCases} cases`,
        async () => {
          const sandbox = await start();
          // The lead goes to a user GitHub knows (an unknown login is refused before anything is written).
          sandbox.store.addUser({ login: 'oncall-2', permission: 'write' });
          const { service } = clientFor(sandbox, ENGINEERS[0] as Engineer);
          const errors: string[] = [];
          await fc.assert(
            fc.asyncProperty(
              fc.record({
                title: hostileText({ maxPieces: 12 }),
                description: sometimesHuge(hostileText()),
                text: sometimesHuge(hostileText()),
                code: fc.option(codeRef, { freq: 3 }),
                update: sometimesHuge(hostileText()),
                note: sometimesHuge(hostileText({ maxPieces: 5 })),
                reason: sometimesHuge(hostileText({ maxPieces: 5 })),
              }),
              async (c) => {
                // Text that is empty once control characters are stripped is refused by design: add a letter.
                const some = (text: string) => `${text} x`;
                const title = some(c.title);
                try {
                  const incident = await new DeclareIncident(service).run({ title, description: c.description });
                  writes++;
                  const logged = await new LogEntry(service).run(incident, {
                    kind: 'observation',
                    text: some(c.text),
                    ...(c.code ? { code: c.code } : {}),
                  });
                  writes++;
                  const updated = await new PostUpdate(service).run(incident, {
                    text: some(c.update),
                    status: 'identified',
                  });
                  writes += 2;
                  await new AssignRole(service).run(updated, 'lead', 'oncall-2', c.note);
                  writes += 2;
                  await new ChangeSeverity(service).run(incident.number, 'critical', c.reason);
                  writes += 2;
                  const shown = await new ShowIncident(service).run(incident.number);
                  assert.ok(
                    shown.timeline.some((e) => e.key === logged.key),
                    'the logged entry reads back',
                  );
                  for (const stored of [
                    sandbox.store.issue(SLUG, incident.number)?.body ?? '',
                    ...sandbox.store.comments(SLUG, incident.number).map((x) => x.body),
                  ]) {
                    assertSafeBody(stored, stored.startsWith('<!-- firebreak:incident ') ? 'incident' : 'entry');
                  }
                } catch (error) {
                  if (error instanceof GitHubError && error.status === 422) refused++;
                  errors.push(errorText(error));
                  throw error;
                }
              },
            ),
            { numRuns: SIZE.sandboxCases, seed: SEED + 22, includeErrorInReport: true },
          );
          assert.deepEqual(errors, []);
          assertNoViolations(sandbox);
        },
        () => `${writes} writes, ${refused} refused with 422`,
      ),
    );
  });
});
