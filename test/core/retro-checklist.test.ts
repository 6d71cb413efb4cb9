import assert from 'node:assert/strict';
import { annotateItem, itemKey, parseRetroChecklist } from '../../core/domain/retro-checklist';

const retro = (items: string, heading = '## Action items') =>
  `# Retro: Checkout 500s\n\n## Summary\n- [ ] not an action item\n\n${heading}\n${items}\n\n## Appendix\n- [ ] also not one\n`;

describe('retro checklist', () => {
  it('reads text, owner, due date, priority and type from a task-list line', () => {
    const { items, problems } = parseRetroChecklist(
      retro('- [ ] Add an alert on queue depth @octo-lead due:2026-12-01 priority:p1 type:Detective'),
    );
    assert.deepEqual(problems, []);
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item?.text, 'Add an alert on queue depth');
    assert.equal(item?.owner, 'octo-lead');
    assert.equal(item?.due, '2026-12-01');
    assert.equal(item?.priority, 'P1');
    assert.equal(item?.type, 'detective');
    assert.equal(item?.checked, false);
    assert.equal(item?.line, 7);
  });

  it('owner, due, priority and type are optional, and unknown tokens stay in the text', () => {
    const { items, problems } = parseRetroChecklist(retro('- [ ] Rotate keys team:payments eta:soon'));
    assert.deepEqual(problems, []);
    assert.equal(items[0]?.text, 'Rotate keys team:payments eta:soon');
    assert.equal(items[0]?.owner, undefined);
  });

  it('the last @login is the owner; earlier mentions stay in the text', () => {
    const { items } = parseRetroChecklist(retro('- [ ] Ask @alice for the logs @bob'));
    assert.equal(items[0]?.text, 'Ask @alice for the logs');
    assert.equal(items[0]?.owner, 'bob');
  });

  it('finds the section under Follow-ups or Action items at any level and in any case', () => {
    for (const heading of [
      '# Follow-ups',
      '### follow ups',
      '## ACTION ITEMS',
      '#### Action item:',
      '## 📋 Follow-ups',
      '**x**\n\nFollowups\n---------',
    ]) {
      const { items, hasSection } = parseRetroChecklist(`${heading}\n- [ ] Fix it\n\n# Appendix\n- [ ] not one`);
      assert.equal(hasSection, true, heading);
      assert.deepEqual(
        items.map((i) => i.text),
        ['Fix it'],
        heading,
      );
    }
  });

  it('the section ends at the next heading of the same or a higher level, not at a deeper one', () => {
    const text =
      '## Action items\n### Preventive\n- [ ] One\n### Detective\n- [ ] Two\n## What went well\n- [ ] Three\n';
    assert.deepEqual(
      parseRetroChecklist(text).items.map((i) => i.text),
      ['One', 'Two'],
    );
  });

  it('ignores lines in code blocks and HTML comments, including the template example', () => {
    const text = [
      '## Follow-ups',
      '<!-- One per line: - [ ] what @owner due:YYYY-MM-DD',
      '- [ ] inside a comment -->',
      '```markdown',
      '- [ ] inside a fence',
      '```',
      '~~~~',
      '- [ ] inside a tilde fence',
      '```',
      '- [ ] still inside',
      '~~~~',
      '- [ ] Real item',
    ].join('\n');
    const { items, problems } = parseRetroChecklist(text);
    assert.deepEqual(
      items.map((i) => i.text),
      ['Real item'],
    );
    assert.deepEqual(problems, []);
  });

  it('skips nothing silently: malformed lines are reported with their line and what to fix', () => {
    const text = [
      '## Action items',
      '- [] Missing space in the box',
      '- [ ] Bad date due:2026-02-30',
      '- [ ] Bad priority priority:high',
      '- [ ] Bad type type:blame',
      '- [ ]',
      '- Plain bullet without a box',
      '- [ ] Twice due:2026-01-01 due:2026-01-02',
      '- [ ] Good one',
    ].join('\n');
    const { items, problems } = parseRetroChecklist(text);
    assert.deepEqual(
      items.map((i) => i.text),
      ['Good one'],
    );
    assert.deepEqual(
      problems.map((p) => p.line),
      [2, 3, 4, 5, 6, 7, 8],
    );
    assert.match(problems[1]?.message ?? '', /due:2026-02-30 is not a date; write due:YYYY-MM-DD/);
    assert.match(problems[2]?.message ?? '', /priority:P0/);
    assert.match(problems[3]?.message ?? '', /type:detective, type:preventive, type:corrective, type:process/);
    assert.match(problems[5]?.message ?? '', /without a checkbox/);
    assert.match(problems[6]?.message ?? '', /given twice/);
  });

  it('reads checked items as done, and a task that is only an issue reference as already tracked', () => {
    const { items } = parseRetroChecklist(
      retro('- [x] Done already\n- [ ] #42\n- [ ] https://github.com/acme/shop/issues/43'),
    );
    assert.deepEqual(
      items.map((i) => [i.text, i.checked, i.tracked]),
      [
        ['Done already', true, undefined],
        ['#42', false, 42],
        ['https://github.com/acme/shop/issues/43', false, 43],
      ],
    );
  });

  it('keys ignore case, spacing, trailing punctuation, owner and tokens, but differ per scope', () => {
    const a = parseRetroChecklist(retro('- [ ] Add  an alert. @alice due:2026-01-01'), { scope: 'acme/shop#1' })
      .items[0];
    const b = parseRetroChecklist(retro('- [ ] add an ALERT @bob priority:P2'), { scope: 'acme/shop#1' }).items[0];
    assert.equal(a?.key, b?.key);
    assert.notEqual(itemKey('add an alert', 'acme/shop#1'), itemKey('add an alert', 'acme/shop#2'));
  });

  it('an annotated line keeps its key after its text is edited, and the annotation is not part of the text', () => {
    const text = retro('- [ ] Add an alert @alice\n- [ ] Second');
    const key = parseRetroChecklist(text).items[0]?.key ?? '';
    const annotated = annotateItem(text, key, 17) ?? '';
    assert.match(
      annotated,
      /- \[ \] Add an alert @alice \(#17\) <!-- firebreak:retro-item \{"v":1,"key":"fu-[0-9a-f]+","issue":17\} -->\n- \[ \] Second/,
    );
    const edited = annotated.replace('Add an alert', 'Add an alert on queue depth');
    const [item] = parseRetroChecklist(edited).items;
    assert.equal(item?.key, key);
    assert.equal(item?.text, 'Add an alert on queue depth');
    assert.equal(item?.tracked, 17);
    assert.equal(item?.annotated, true);
    assert.equal(annotateItem(annotated, key, 17), annotated, 'annotating again changes nothing');
  });

  it('the same item twice is tracked once and the repeat is reported', () => {
    const { items, problems } = parseRetroChecklist(retro('- [ ] Fix it\n- [ ] fix it.'));
    assert.equal(items.length, 1);
    assert.match(problems[0]?.message ?? '', /same item as line 7/);
  });

  it('a document without the section has no items and says so', () => {
    const result = parseRetroChecklist('## Summary\n- [ ] something');
    assert.equal(result.hasSection, false);
    assert.deepEqual(result.items, []);
    assert.deepEqual(result.problems, []);
  });
});
