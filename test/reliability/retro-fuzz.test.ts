// Retro checklists as people write them: random Markdown, odd dates, unknown users, nested and huge lists, code
// blocks and HTML comments holding `- [ ]` lines. Parsing never throws; items in code blocks and comments are never
// items; every well-formed item under the section is found on its line; malformed lines there are reported; and
// annotating one item with its follow-up changes no other item.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { annotateItem, parseRetroChecklist } from '../../core/domain/retro-checklist';
import { SEED, SIZE } from './support';
import { property } from './table';

type Block =
  | { kind: 'heading'; level: number; section: boolean; title: string }
  | {
      kind: 'task';
      checked: boolean;
      indent: string;
      bullet: string;
      words: string;
      owner?: string;
      due?: string;
      priority?: string;
      type?: string;
    }
  | { kind: 'malformed'; line: string }
  | { kind: 'fence'; fence: string; lines: string[] }
  | { kind: 'comment'; lines: string[] }
  | { kind: 'prose'; line: string }
  | { kind: 'blank' };

const word = fc.constantFrom(
  'fix',
  'the',
  'alert',
  'on',
  'queue',
  'depth',
  'rollback',
  'runbook',
  'über',
  'مرحبا',
  'שלום',
  '🔥',
  '`code`',
  '**bold**',
  '[link](https://x.y)',
  'a:b',
  'eta:soon',
  '#123x',
  'v1.2',
);
const words = fc.array(word, { minLength: 0, maxLength: 5 }).map((w) => w.join(' '));
const safeProse = fc
  .array(
    fc.constantFrom(
      'We',
      'saw',
      'errors',
      'at',
      '10:32',
      'UTC',
      '(p99)',
      'and',
      'paged',
      '@oncall',
      'twice.',
      'É',
      '«quote»',
      '\u202e',
      '|',
      'x',
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((w) => w.join(' '));

const sectionTitle = fc.constantFrom(
  'Follow-ups',
  'follow ups',
  'ACTION ITEMS',
  'Action item:',
  '📋 Follow-ups',
  '**Followups**',
  'Action-Items',
);
const otherTitle = fc.constantFrom(
  'Summary',
  'Timeline',
  'What went well',
  'Follow-ups we did not do (notes)',
  'Appendix',
);
const validDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const block: fc.Arbitrary<Block> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        kind: fc.constant('heading' as const),
        level: fc.integer({ min: 1, max: 6 }),
        section: fc.boolean(),
        title: fc.oneof(sectionTitle, otherTitle),
      })
      .map((h) => ({ ...h, section: SECTION_NAMES.has(h.title) })),
  },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        kind: fc.constant('task' as const),
        checked: fc.boolean(),
        indent: fc.constantFrom('', '', '', '  ', '   '),
        bullet: fc.constantFrom('-', '*', '+', '1.', '2)'),
        words,
        owner: fc.constantFrom('octo-lead', 'someone-who-left', 'a', 'Z9-z'),
        due: validDate,
        priority: fc.constantFrom('P0', 'p1', 'P4'),
        type: fc.constantFrom('detective', 'Preventive', 'corrective', 'process'),
      },
      { requiredKeys: ['kind', 'checked', 'indent', 'bullet', 'words'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '- [ ] Upgrade the database due:2023-02-29',
        '- [ ] Upgrade the database due:2024-13-01',
        '- [ ] Upgrade the database due:tomorrow',
        '- [ ] Add a dashboard priority:P9',
        '- [ ] Add a dashboard type:nope',
        '- [ ] Twice due:2024-01-01 due:2024-01-02',
        '- [ ]',
        '- [ ] @owner-only',
        '-[ ] no space after the dash',
        '- [y] a strange box',
        '- [] empty brackets',
        '* [  ] two spaces',
        '- a plain bullet without a checkbox',
      )
      .map((line) => ({ kind: 'malformed' as const, line })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        fence: fc.constantFrom('```', '````', '~~~', '```markdown', '~~~~ md'),
        lines: fc.array(
          fc.oneof(fc.constant('- [ ] INSIDE_CODE'), safeProse, fc.constant('## Follow-ups'), fc.constant('<!--')),
          { maxLength: 5 },
        ),
      })
      .map((f) => ({ kind: 'fence' as const, ...f })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(fc.constant('- [ ] INSIDE_COMMENT'), safeProse, fc.constant('```')), { maxLength: 4 })
      .map((lines) => ({ kind: 'comment' as const, lines })),
  },
  { weight: 3, arbitrary: safeProse.map((line) => ({ kind: 'prose' as const, line })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'blank' as const }) },
);

const SECTION_NAMES = new Set([
  'Follow-ups',
  'follow ups',
  'ACTION ITEMS',
  'Action item:',
  '📋 Follow-ups',
  '**Followups**',
  'Action-Items',
]);

interface Expected {
  readonly text: string;
  readonly items: { line: number; text: string; checked: boolean }[];
  readonly problemLines: number[];
}

/** Renders blocks to Markdown and computes, independently of the parser, what it must find. */
function render(blocks: readonly Block[], crlf: boolean): Expected {
  const lines: string[] = [];
  const items: Expected['items'] = [];
  const problemLines: number[] = [];
  let section: number | undefined;
  let n = 0;
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        lines.push(`${'#'.repeat(b.level)} ${b.title}`);
        if (b.section) section = b.level;
        else if (section !== undefined && b.level <= section) section = undefined;
        break;
      case 'task': {
        const text = `ITEM_${n++}${b.words ? ` ${b.words}` : ''}`;
        const tokens = [
          b.owner ? `@${b.owner}` : '',
          b.due ? `due:${b.due}` : '',
          b.priority ? `priority:${b.priority}` : '',
          b.type ? `type:${b.type}` : '',
        ].filter(Boolean);
        lines.push(
          `${b.indent}${b.bullet} [${b.checked ? 'x' : ' '}] ${text}${tokens.length ? ` ${tokens.join(' ')}` : ''}`,
        );
        if (section !== undefined) items.push({ line: lines.length, text, checked: b.checked });
        break;
      }
      case 'malformed':
        lines.push(b.line);
        if (section !== undefined) problemLines.push(lines.length);
        break;
      case 'fence': {
        const marker = /^(`+|~+)/.exec(b.fence)?.[1] ?? '```';
        lines.push(b.fence, ...b.lines.filter((l) => !l.startsWith(marker[0] ?? '`')), marker);
        break;
      }
      case 'comment':
        lines.push('<!--', ...b.lines, '-->');
        break;
      case 'prose':
        lines.push(b.line);
        break;
      case 'blank':
        lines.push('');
        break;
    }
  }
  return { text: lines.join(crlf ? '\r\n' : '\n'), items, problemLines };
}

// Most retros have the section near the top; some have it later, twice, or not at all.
const opening = fc.option(
  fc
    .record({ level: fc.integer({ min: 1, max: 3 }), title: sectionTitle })
    .map((h): Block => ({ kind: 'heading', ...h, section: true })),
  { freq: 5 },
);
const document = fc
  .record({ first: opening, blocks: fc.array(block, { maxLength: 60, size: 'large' }), crlf: fc.boolean() })
  .map(({ first, blocks, crlf }) => render(first ? [first, ...blocks] : blocks, crlf));

/** Anything at all, with Markdown's sharp edges over-represented. */
const anyMarkdown = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '## Follow-ups',
        '# Action items',
        'Follow-ups',
        '---',
        '===',
        '```',
        '~~~',
        '````',
        '<!--',
        '-->',
        '- [ ] x',
        '- [x] y @z due:2024-02-29',
        '- [ ]',
        '  - [ ] nested',
        '    - [ ] deep',
        '1) [X] numbered',
        '- [ ] (#12) <!-- firebreak:retro-item {"v":1,"key":"k","issue":12} -->',
        '- [ ] #7',
        '- [ ] https://github.com/a/b/issues/9',
        '<!-- firebreak:retro-item {"key":',
        '\t- [ ] tab',
        '\u0000',
        '\r',
        '',
      ),
      fc.string({ maxLength: 30 }),
      fc.string({ maxLength: 30, unit: 'binary' }),
    ),
    { maxLength: 80, size: 'large' },
  )
  .map((lines) => lines.join('\n'));

describe('reliability: retro checklist fuzzing', function () {
  this.timeout(10 * 60_000);

  it(`${SIZE.cases} generated retros: every item under the section found on its line, none from code or comments, malformed lines reported`, async () => {
    let items = 0;
    let problems = 0;
    await property(
      'P2. retro checklist (modelled Markdown)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(document, (expected) => {
            const parsed = parseRetroChecklist(expected.text, { scope: 'acme/incidents#1' });
            assert.deepEqual(
              parsed.items.map((i) => ({ line: i.line, text: i.text, checked: i.checked })),
              expected.items,
            );
            assert.ok(
              !parsed.items.some((i) => /INSIDE_(CODE|COMMENT)/.test(i.text)),
              'nothing from code blocks or comments',
            );
            const reported = new Set(parsed.problems.map((p) => p.line));
            for (const line of expected.problemLines)
              assert.ok(reported.has(line), `line ${line} is reported: ${expected.text.split(/\r?\n/)[line - 1]}`);
            items += parsed.items.length;
            problems += parsed.problems.length;
          }),
          { numRuns: SIZE.cases, seed: SEED, includeErrorInReport: true },
        ),
      () => `${items} items, ${problems} problems reported`,
    )();
  });

  it(`${SIZE.cases} arbitrary texts: parsing never throws, lines are in range, annotating one item changes no other`, async () => {
    let annotated = 0;
    await property(
      'P2. retro checklist (arbitrary text)',
      `${SIZE.cases} cases`,
      () =>
        fc.assert(
          fc.property(anyMarkdown, fc.nat(), (text, pick) => {
            const parsed = parseRetroChecklist(text);
            const lineCount = text.replace(/\r\n?/g, '\n').split('\n').length;
            for (const x of [...parsed.items, ...parsed.problems])
              assert.ok(x.line >= 1 && x.line <= lineCount, `line ${x.line} of ${lineCount}`);
            for (const item of parsed.items) assert.ok(item.text.trim().length > 0);
            const item = parsed.items[pick % Math.max(1, parsed.items.length)];
            if (!item) return;
            const next = annotateItem(text, item.key, 4242);
            assert.ok(next !== undefined, 'the item is found again');
            const reparsed = parseRetroChecklist(next);
            assert.deepEqual(
              reparsed.items.map((i) => i.key),
              parsed.items.map((i) => i.key),
              'the same items, in the same order',
            );
            const after = reparsed.items.find((i) => i.key === item.key);
            assert.equal(after?.tracked, 4242);
            for (const other of reparsed.items.filter((i) => i.key !== item.key)) {
              const before = parsed.items.find((i) => i.key === other.key);
              assert.deepEqual({ ...other }, { ...before }, 'other items are unchanged');
            }
            annotated++;
          }),
          { numRuns: SIZE.cases, seed: SEED + 1, includeErrorInReport: true },
        ),
      () => `${annotated} annotations round-tripped`,
    )();
  });

  it('a huge retro (5,000 items, nested, with code blocks) parses quickly and completely', () => {
    const lines = ['# Retro', '## Action items'];
    for (let i = 0; i < 5000; i++) {
      lines.push(i % 2 ? `  - [ ] Nested item ${i} @octo-lead due:2030-01-01` : `- [ ] Item ${i} priority:P2`);
      if (i % 500 === 0) lines.push('```', '- [ ] in code', '```');
    }
    const started = Date.now();
    const parsed = parseRetroChecklist(lines.join('\n'));
    assert.equal(parsed.items.length, 5000);
    assert.deepEqual(parsed.problems, []);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
