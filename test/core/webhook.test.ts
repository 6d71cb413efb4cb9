import assert from 'node:assert/strict';
import { FirebreakError } from '../../core/domain/errors';
import type { ActiveIncident } from '../../core/use-cases/status';
import { isWebhookUrl, postWebhook, statusMessage } from '../../core/chat/webhook';
import { startReceiver } from './world';

const incident = (overrides: Partial<ActiveIncident> = {}): ActiveIncident => ({
  number: 12,
  title: 'Checkout <returns> 500s & more',
  severity: 'critical',
  status: 'investigating',
  url: 'https://github.com/acme/shop/issues/12',
  lead: 'octo-lead',
  age: '2h',
  drill: false,
  services: [],
  overdue: true,
  ...overrides,
});

describe('webhook', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('posts the status as Slack-compatible JSON with escaped titles and links', async () => {
    await postWebhook(receiver.url, statusMessage([incident()]));
    assert.equal(receiver.received.length, 1);
    const [message] = receiver.received;
    assert.equal(message?.path, '/services/T000/B000/s3cr3t-webhook-path');
    assert.equal(message?.contentType, 'application/json');
    const text = (message?.body as { text: string }).text;
    assert.equal(
      text,
      '*1 active incident*\n• <https://github.com/acme/shop/issues/12|#12 Checkout &lt;returns&gt; 500s &amp; more> · `critical` · investigating · lead @octo-lead · 2h · :warning: update overdue',
    );
  });

  it('leads with the event when a declare or resolve triggered the run', () => {
    const { text } = statusMessage([], { kind: 'resolved', incident: incident({ status: 'resolved' }) });
    assert.match(
      text,
      /^:white_check_mark: \*Incident resolved\*: <https:\/\/github\.com\/acme\/shop\/issues\/12\|#12 .*> · `critical` · resolved/,
    );
    assert.match(text, /:white_check_mark: No active incidents\.$/);
  });

  it('retries once after a 5xx', async () => {
    receiver.answers.push(503);
    await postWebhook(receiver.url, { text: 'hi' }, { retryDelayMs: 1 });
    assert.equal(receiver.received.length, 2);
  });

  it('fails with a message that never contains the URL', async () => {
    receiver.answers.push(404);
    await assert.rejects(postWebhook(receiver.url, { text: 'hi' }, { retryDelayMs: 1 }), (error: unknown) => {
      assert.ok(error instanceof FirebreakError);
      assert.equal(error.message, 'The webhook did not accept the message (HTTP 404).');
      assert.ok(!`${error.message}${error.hint ?? ''}`.includes('s3cr3t'));
      return true;
    });
    assert.equal(receiver.received.length, 1, 'a 4xx is not retried');
    await receiver.close();
    await assert.rejects(postWebhook(receiver.url, { text: 'hi' }, { retryDelayMs: 1 }), (error: unknown) => {
      assert.ok(error instanceof FirebreakError);
      assert.match(error.message, /\(ECONNREFUSED\)/);
      assert.ok(!error.message.includes('s3cr3t') && !error.message.includes('127.0.0.1'));
      return true;
    });
    receiver = await startReceiver();
  });

  it('accepts https URLs, and http only for local receivers', () => {
    assert.equal(isWebhookUrl('https://hooks.slack.com/services/T/B/x'), true);
    assert.equal(isWebhookUrl('http://hooks.slack.com/services/T/B/x'), false);
    assert.equal(isWebhookUrl('http://127.0.0.1:9000/hook'), true);
    assert.equal(isWebhookUrl('not a url'), false);
  });
});
