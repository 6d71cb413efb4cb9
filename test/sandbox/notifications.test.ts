import assert from 'node:assert/strict';
import { mentionedLogins } from '../../sandbox/notifications';
import { ACTIONS_TOKEN, call, REPO, useSandbox, WRITER_TOKEN, type Json } from './support';

describe('sandbox: notifications', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;
  const notes = () =>
    sandbox().store.notifications.map((n) => [n.issue, n.reason, n.recipient ?? '(watchers)', n.actor].join(' '));

  it('a new issue notifies watchers, its assignees and the users it mentions, never its author', async () => {
    const created = await call<Json>(sandbox(), 'POST', `${base}/issues`, {
      body: {
        title: 'Add an alert',
        body: 'For @octo-comms and @firebreak-dev, not `@octo-scribe`, not @nobody-here, <!-- @octo-scribe -->',
        assignees: ['octo-lead'],
      },
    });
    assert.equal(created.status, 201);
    const n = created.body.number as number;
    assert.deepEqual(notes(), [
      `${n} opened (watchers) firebreak-dev`,
      `${n} assigned octo-lead firebreak-dev`,
      `${n} mentioned octo-comms firebreak-dev`,
    ]);
  });

  it('comments, assignments and closing notify; edits and labels do not', async () => {
    const issue = sandbox().store.createIssueDirect(REPO, { title: 'Retro', author: 'octo-lead' });
    const n = issue.number;
    const comment = await call<Json>(sandbox(), 'POST', `${base}/issues/${n}/comments`, {
      token: ACTIONS_TOKEN,
      body: { body: 'Ping @octo-lead' },
    });
    await call(sandbox(), 'PATCH', `${base}/issues/comments/${comment.body.id as number}`, {
      token: ACTIONS_TOKEN,
      body: { body: 'Ping @octo-lead and @octo-comms (edited)' },
    });
    await call(sandbox(), 'PATCH', `${base}/issues/${n}`, { body: { body: 'Now @octo-scribe too' } });
    await call(sandbox(), 'POST', `${base}/labels`, { body: { name: 'firebreak-lock: x', description: 'run=a' } });
    await call(sandbox(), 'PATCH', `${base}/labels/${encodeURIComponent('firebreak-lock: x')}`, {
      body: { description: 'run=b' },
    });
    await call(sandbox(), 'DELETE', `${base}/labels/${encodeURIComponent('firebreak-lock: x')}`);
    await call(sandbox(), 'POST', `${base}/issues/${n}/assignees`, { body: { assignees: ['octo-comms'] } });
    await call(sandbox(), 'PATCH', `${base}/issues/${n}`, {
      token: WRITER_TOKEN,
      body: { state: 'closed', state_reason: 'duplicate' },
    });
    assert.deepEqual(notes(), [
      `${n} commented (watchers) github-actions[bot]`,
      `${n} mentioned octo-lead github-actions[bot]`,
      `${n} assigned octo-comms firebreak-dev`,
      `${n} closed (watchers) octo-lead`,
    ]);
  });

  it('reads mentions the way GitHub links them', () => {
    assert.deepEqual(mentionedLogins('@a-b, (@c) e@mail.com @d/team `@e` @f.\n```\n@g\n```\n@H'), [
      'a-b',
      'c',
      'f',
      'h',
    ]);
  });
});
