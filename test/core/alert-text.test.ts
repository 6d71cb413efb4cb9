// An alert's title and description come from payloads and exception messages nobody vouches for: the incident and
// its observations carry them without notifying anyone they @mention, person or team.
import assert from 'node:assert/strict';
import type { Alert } from '../../core/alerts/alert';
import { AlertIntake } from '../../core/use-cases/alerts';
import { useSandbox } from '../support/sandbox';
import { wired } from '../support/fixtures';

const alert = (status: Alert['status']): Alert => ({
  source: 'generic',
  fingerprint: 'sentry-type-error',
  status,
  title: 'TypeError: @octo-lead &#64;octo-comms cannot read `@in-code`',
  description: 'Thrown in checkout; ping @octo-lead and @acme/sre. Contact ops@example.com.',
  labels: {},
});

describe('alert text notifies nobody', () => {
  const box = useSandbox({
    users: [
      { login: 'firebreak-dev', token: 'sandbox-token', permission: 'admin' },
      { login: 'octo-lead', token: 'sandbox-token-lead', permission: 'write' },
      { login: 'octo-comms', token: 'sandbox-token-comms', permission: 'write' },
    ],
  });
  const sandbox = () => box.get();

  it('the declared incident and the observations of later deliveries mention no one the payload names', async () => {
    const receiver = wired(sandbox());
    const intake = new AlertIntake({ ...receiver, service: receiver.service });
    const declared = await intake.receive(alert('firing'));
    await intake.receive(alert('resolved'));
    const number = declared.number ?? 0;
    const mentioned = sandbox().store.notifications.filter((n) => n.reason === 'mentioned' && n.issue === number);
    assert.deepEqual(mentioned, []);
    const issue = await receiver.gateway.getIssue(number);
    const comments = await receiver.gateway.listComments(number);
    for (const text of [issue.body, ...comments.map((c) => c.body)]) {
      assert.doesNotMatch(text, /(?<![\w`])@(octo-lead|octo-comms|acme\/sre)\b/, text);
    }
    // Still readable: the words are there, the address and the code span as written.
    assert.match(issue.body, /ops@example\.com/);
    assert.match(comments.at(-1)?.body ?? '', /`@in-code`/);
  });
});
