import assert from 'node:assert/strict';
import { indexCodeMentions, mentionCountLabel } from '../../core/domain/code-index';
import type { CodeRef, Incident } from '../../core/domain/incident';
import { anEntry } from '../builders/incident';

function code(path: string, startLine: number, repo = 'acme/shop'): CodeRef {
  return {
    repo,
    path,
    startLine,
    endLine: startLine + 2,
    commit: 'abc1234',
    permalink: `https://github.com/${repo}/blob/abc1234/${path}#L${startLine}`,
  };
}

function incidentWith(number: number, entries: ReturnType<typeof anEntry>[]): Incident {
  return {
    number,
    title: `incident ${number}`,
    url: `https://github.com/acme/shop/issues/${number}`,
    repo: { owner: 'acme', name: 'shop' },
    timeline: entries,
  } as unknown as Incident;
}

describe('code mentions index', () => {
  it('groups entries with code by file and start line, across incidents, lines in order', () => {
    const index = indexCodeMentions([
      incidentWith(1, [
        anEntry({ key: 'a', code: code('src/pay.ts', 10) }),
        anEntry({ key: 'b' }),
        anEntry({ key: 'c', code: code('src/pay.ts', 3) }),
      ]),
      incidentWith(2, [anEntry({ key: 'd', code: code('src/pay.ts', 10) })]),
    ]);
    const lines = index.get('src/pay.ts') ?? [];
    assert.deepEqual(
      lines.map((l) => [l.line, l.mentions.map((m) => `${m.incident.number}:${m.entry.key}`)]),
      [
        [3, ['1:c']],
        [10, ['1:a', '2:d']],
      ],
    );
  });

  it('leaves out references into other repositories when the code repository is known', () => {
    const index = indexCodeMentions(
      [incidentWith(1, [anEntry({ code: code('src/pay.ts', 1, 'acme/other') })])],
      'acme/shop',
    );
    assert.equal(index.size, 0);
  });

  it('counts entries in words', () => {
    assert.equal(mentionCountLabel(1), '1 incident entry');
    assert.equal(mentionCountLabel(2), '2 incident entries');
  });
});
