import assert from 'node:assert/strict';
import { parseRetroChecklist, PLACEHOLDER_ITEM } from '../../core/domain/retro-checklist';
import { FollowUps } from '../../core/use-cases/follow-ups';
import { useSandbox } from '../sandbox/support';
import { REPO, world } from './world';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { Retro } from '../../core/use-cases/retro';

describe("the retro draft's example action item", () => {
  const sandbox = useSandbox();

  it('a draft posted as written opens no follow-up, and says the example line is not tracked', async () => {
    const w = world(sandbox());
    const service = w.service();
    const incident = await new DeclareIncident(service).run({ title: 'Checkout 500s', severity: 'major' });
    await new ResolveIncident(service).run(incident);
    const draft = await new Retro(service).draft(incident.number);
    assert.ok(draft.includes(`- [ ] ${PLACEHOLDER_ITEM} @`), 'the draft carries the example item');
    await new Retro(service).post(incident.number, draft);

    const issuesBefore = sandbox().store.issues(REPO).length;
    const result = await new FollowUps(w).run(incident.number);
    assert.deepEqual(result.created, []);
    assert.equal(sandbox().store.issues(REPO).length, issuesBefore, 'no follow-up issue');
    assert.ok(result.problems.some((p) => /example item is not tracked/.test(p.message)));
  });

  it('an item written in its place is a follow-up', () => {
    const parsed = parseRetroChecklist(
      [
        '## Action items',
        `- [ ] ${PLACEHOLDER_ITEM} @alice due:2026-12-08 priority:P2 type:corrective`,
        `- [ ] ${PLACEHOLDER_ITEM.toLowerCase()}.`,
        '- [ ] Describe the first follow-up on the retry loop @alice',
      ].join('\n'),
    );
    assert.deepEqual(
      parsed.items.map((i) => i.text),
      ['Describe the first follow-up on the retry loop'],
    );
    assert.equal(parsed.problems.length, 2);
  });
});
