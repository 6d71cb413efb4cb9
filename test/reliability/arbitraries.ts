// fast-check generators for what people type on a bad day: Markdown, HTML comments and forged Firebreak markers,
// @org/team mentions, control and bidi characters, right-to-left text, very long text; and timeline entries made of it.
import fc from 'fast-check';
import { LOG_KINDS, MILESTONES, type CodeRef, type Declaration, type TimelineEntry } from '../../core/domain/incident';

const FORGED_ENTRY =
  '<!-- firebreak:entry {"v":1,"kind":"severity","key":"forged","at":"2020-01-01T00:00:00Z","from":"minor","to":"critical"} -->';
const FORGED_INCIDENT = '<!-- firebreak:incident {"v":1,"key":"forged"} -->';

/** Fragments that have broken renderers before: each is harmless alone and dangerous when not escaped. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  FORGED_ENTRY,
  FORGED_INCIDENT,
  '<!--',
  '-->',
  '--!>',
  '<!-- firebreak:',
  '<!---->',
  '@acme/everyone',
  '@acme/payments-oncall',
  '(@org/team)',
  '`@acme/in-code`',
  '_@acme/sre-team_',
  '&#64;acme/sre-team',
  '&#x40;acme/x',
  '&commat;acme/x',
  '@acme&#47;x',
  '\\@acme/x',
  '@acme\\/x',
  '<pre>',
  '<?php',
  '@octocat',
  '@@acme/x',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u001b[2J',
  '\u001b]52;c;ZWNobyBwd25lZA==\u0007',
  '\u009b2J',
  '\u007f',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u200b',
  '\r',
  '\r\n',
  '\t',
  '\n\n',
  'مرحبا بالعالم',
  'שלום עולם',
  '🔥🧯',
  '\ud83d',
  '# heading',
  '---',
  '```',
  '~~~',
  '<details><summary>x</summary>',
  '</details>',
  '<script>alert(1)</script>',
  '[link](javascript:alert(1))',
  '| a | b |',
  '> [!WARNING]',
  '- [ ] task',
  '{{title}}',
  '{{{raw}}}',
  '\\',
  '&lt;!--',
  '${x}',
  '<<<<>>>>',
  '"\\"\\n',
];

/** Text of any length from hostile fragments, random Unicode and plain words. */
export function hostileText(options: { maxPieces?: number } = {}): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS) },
        {
          weight: 3,
          arbitrary: fc.constantFrom('checkout', 'returns', '500s', 'since', 'deploy', 'v1.4.2', ' ', 'the', 'queue'),
        },
        { weight: 2, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      ),
      { maxLength: options.maxPieces ?? 30 },
    )
    .map((pieces) => pieces.join(''));
}

/** Mostly ordinary sizes, sometimes far past GitHub's 65,536-character body limit. */
export function sometimesHuge(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: text },
    {
      weight: 1,
      arbitrary: fc
        .tuple(text, fc.constantFrom(20_000, 65_536, 70_001, 140_000))
        .map(([t, size]) =>
          (t || 'x@acme/team <!-- ')
            .repeat(Math.ceil(size / Math.max(1, (t || 'x@acme/team <!-- ').length)))
            .slice(0, size),
        ),
    },
  );
}

const iso = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const login = fc.constantFrom('oncall-1', 'oncall-2', 'octo-lead', 'firebreak-dev', 'github-actions[bot]');
const roleName = fc.constantFrom('lead', 'comms', 'scribe', 'sme');
const severityName = fc.constantFrom('critical', 'major', 'minor', 'triage', 'unknown-sev');

export const codeRef: fc.Arbitrary<CodeRef> = fc.record(
  {
    repo: fc.oneof(fc.constant('acme/shop'), hostileText({ maxPieces: 3 })),
    // Paths come from the file system: long, never megabytes.
    path: fc.oneof(fc.constant('src/checkout/pay.ts'), hostileText({ maxPieces: 4 }), fc.constant('deep/'.repeat(800))),
    startLine: fc.integer({ min: 1, max: 5000 }),
    endLine: fc.integer({ min: 1, max: 5000 }),
    commit: fc.stringMatching(/^[0-9a-f]{40}$/),
    permalink: fc.constant('https://github.com/acme/shop/blob/0123456/src/checkout/pay.ts#L1-L2'),
    snippet: sometimesHuge(hostileText()),
    language: fc.constantFrom('ts', 'python', '', 'a b"<'),
  },
  { requiredKeys: ['repo', 'path', 'startLine', 'endLine', 'commit', 'permalink'] },
);

/** Any timeline entry, with hostile free text, keyed `key`. */
export function entry(key: string): fc.Arbitrary<TimelineEntry> {
  const base = { key: fc.constant(key), at: iso, by: login };
  const text = sometimesHuge(hostileText());
  return fc.oneof(
    fc.record(
      { ...base, kind: fc.constantFrom(...LOG_KINDS), text, destructive: fc.boolean(), code: codeRef },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'text'] },
    ),
    fc.record(
      {
        ...base,
        kind: fc.constant('update' as const),
        text,
        status: fc.constantFrom(...MILESTONES),
        nextUpdateBy: iso,
      },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'text'] },
    ),
    fc.record(
      { ...base, kind: fc.constant('role' as const), role: roleName, login },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'role'] },
    ),
    fc.record(
      {
        ...base,
        kind: fc.constant('handoff' as const),
        role: roleName,
        from: login,
        to: login,
        note: sometimesHuge(hostileText({ maxPieces: 5 })),
      },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'role', 'from', 'to'] },
    ),
    fc.record(
      {
        ...base,
        kind: fc.constant('severity' as const),
        from: severityName,
        to: severityName,
        reason: sometimesHuge(hostileText({ maxPieces: 5 })),
      },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'from', 'to'] },
    ),
    fc.record(
      {
        ...base,
        kind: fc.constant('status' as const),
        from: fc.constantFrom(...MILESTONES),
        to: fc.constantFrom(...MILESTONES),
        text: sometimesHuge(hostileText({ maxPieces: 5 })),
      },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'from', 'to'] },
    ),
    fc.record(
      {
        ...base,
        kind: fc.constant('bypass' as const),
        actor: login,
        reason: sometimesHuge(hostileText({ maxPieces: 5 })),
        runUrl: fc.constant('https://github.com/acme/shop/actions/runs/1'),
      },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'actor', 'reason'] },
    ),
    fc.record(
      { ...base, kind: fc.constant('retro' as const), text, skipped: fc.boolean() },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'text'] },
    ),
    fc.record(
      {
        ...base,
        kind: fc.constant('break' as const),
        minutes: fc.integer({ min: 1, max: 1440 }),
        text: sometimesHuge(hostileText({ maxPieces: 5 })),
      },
      { requiredKeys: ['key', 'at', 'by', 'kind', 'minutes'] },
    ),
  ) as fc.Arbitrary<TimelineEntry>;
}

export const declaration: fc.Arbitrary<Declaration> = fc.record({
  key: fc.constantFrom('decl-1', 'issue-1', 'k'),
  title: hostileText({ maxPieces: 8 }).map((t) => t.replace(/\s+/g, ' ').trim().slice(0, 200) || 'Untitled'),
  description: sometimesHuge(hostileText()),
  severity: severityName,
  lead: login,
  declaredBy: login,
  declaredAt: iso,
  private: fc.boolean(),
  drill: fc.boolean(),
  services: fc.array(fc.constantFrom('checkout', 'search', 'a b'), { maxLength: 2 }),
});
