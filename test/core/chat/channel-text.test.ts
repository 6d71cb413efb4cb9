// The incident channel's names and Slack's request signature: the rules Slack holds the app to.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { channelName, entryText, incidentNumberOf } from '../../../core/chat/channel-text';
import { verifySlackSignature } from '../../../core/chat/slack-requests';

describe('incident channel names', () => {
  it('are inc-<number>-<slug>: lowercase letters, digits and hyphens, at most 80 characters', () => {
    assert.equal(
      channelName({ number: 42, title: 'Checkout: 500s on EU  (card payments)!' }),
      'inc-42-checkout-500s-on-eu-card-payments',
    );
    const long = channelName({ number: 7, title: 'x'.repeat(200) });
    assert.ok(long.length <= 80 && long.startsWith('inc-7-xxx'));
    assert.match(channelName({ number: 9, title: 'Ünïcode 🔥 only' }), /^inc-9-unicode-only$/);
    assert.equal(channelName({ number: 9, title: '🔥🔥' }), 'inc-9-incident');
  });

  it('take a suffix when taken, still within 80 characters', () => {
    assert.equal(channelName({ number: 3, title: 'db down' }, 2), 'inc-3-db-down-2');
    assert.ok(channelName({ number: 3, title: 'y'.repeat(120) }, 12).endsWith('-12'));
    assert.ok(channelName({ number: 3, title: 'y'.repeat(120) }, 12).length <= 80);
  });

  it('name their incident', () => {
    assert.equal(incidentNumberOf('inc-12-db-down'), 12);
    assert.equal(incidentNumberOf('inc-12-db-down-2'), 12);
    assert.equal(incidentNumberOf('general'), undefined);
    assert.equal(incidentNumberOf('incident-12'), undefined);
  });
});

describe('channel messages', () => {
  it('make destructive actions stand out and never page the channel', () => {
    const text = entryText(
      {
        kind: 'action',
        key: 'k',
        at: '2026-01-01T00:00:00Z',
        by: 'octo-lead',
        text: 'dropped the @channel <cache>',
        destructive: true,
      },
      { number: 1, url: 'https://github.com/acme/shop/issues/1' },
    );
    assert.match(text, /^:rotating_light: \*DESTRUCTIVE action\*/);
    assert.ok(!text.includes('@channel') && !text.includes('<cache>'));
  });
});

describe('Slack request signatures', () => {
  const secret = 's3cret';
  const body = Buffer.from('command=%2Fincident&text=');
  const now = new Date('2026-12-07T18:00:00Z');
  const ts = String(Math.floor(now.getTime() / 1000));
  const sign = (t: string) => `v0=${createHmac('sha256', secret).update(`v0:${t}:${body.toString()}`).digest('hex')}`;

  it('accepts v0=HMAC-SHA256(secret, v0:timestamp:body) within five minutes', () => {
    assert.equal(verifySlackSignature(secret, body, ts, sign(ts), now), true);
    const fourMinutes = String(Number(ts) - 240);
    assert.equal(verifySlackSignature(secret, body, fourMinutes, sign(fourMinutes), now), true);
  });

  it('refuses a stale or future timestamp, another body, a missing or malformed signature', () => {
    const old = String(Number(ts) - 301);
    assert.equal(verifySlackSignature(secret, body, old, sign(old), now), false);
    const future = String(Number(ts) + 301);
    assert.equal(verifySlackSignature(secret, body, future, sign(future), now), false);
    assert.equal(verifySlackSignature(secret, Buffer.from('text=x'), ts, sign(ts), now), false);
    assert.equal(verifySlackSignature(secret, body, ts, undefined, now), false);
    assert.equal(verifySlackSignature(secret, body, undefined, sign(ts), now), false);
    assert.equal(verifySlackSignature(secret, body, ts, 'v0=short', now), false);
    assert.equal(verifySlackSignature('other', body, ts, sign(ts), now), false);
  });
});
