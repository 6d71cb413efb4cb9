// The human side in the editor, against the sandbox: Call a Break, one team per incident before declaring, the
// calm line, the break suggestion once impact stops, the comms nudge for the lead, and retros due.
import assert from 'node:assert/strict';
import { readMarker } from '../../core/domain/event-log';
import { declareIncident } from '../../extension/flows/declare';
import { callBreak, CALM_LINE, nudgeComms, offerBreak, skipRetro } from '../../extension/flows/people';
import { postUpdate } from '../../extension/flows/post-update';
import { createPeopleWatch } from '../../extension/wiring/people';
import type { Sandbox } from '../../sandbox/server';
import { useSandbox, wired } from '../support/fixtures';
import { declareVia, flowHarness, type Harness } from './support/harness';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const SLUG = 'acme/shop';
const MINUTE = 60_000;

describe('extension: people', () => {
  const box = useSandbox({ per: 'test' });
  let sandbox: Sandbox;
  let h: Harness;

  beforeEach(async () => {
    sandbox = box();
    h = await flowHarness(sandbox);
  });

  const entryKinds = (n: number) => sandbox.store.comments(SLUG, n).map((c) => readMarker(c.body, 'entry')?.['kind']);

  it('Call a Break records a break entry with its length, note and who called it', async () => {
    const incident = await declareVia(h);
    h.answer({ pick: '20 minutes' }, { input: 'Back at 11:20' });
    const entry = await callBreak(h.ctx, incident);
    assert.equal(entry?.kind, 'break');
    const marker = readMarker(sandbox.store.comments(SLUG, incident.number).at(-1)?.body ?? '', 'entry');
    assert.equal(marker?.['minutes'], 20);
    assert.equal(marker?.['text'], 'Back at 11:20');
    assert.equal(sandbox.store.comments(SLUG, incident.number).at(-1)?.user.login, 'firebreak-dev');
    assert.ok(h.prompter.messages.some((m) => /Break of 20 minutes recorded/.test(m.message)));
  });

  it('declaring one line after a calm reminder; the setting turns it off', async () => {
    await declareVia(h);
    assert.ok(h.prompter.messages.some((m) => m.message.includes(CALM_LINE)));
    const quiet = await flowHarness(sandbox);
    (quiet.ctx as { preferences?: unknown }).preferences = () => ({
      suggestBreaks: true,
      declareReminder: false,
      commsNudges: true,
    });
    await declareVia(quiet, 'Search index stale', 'minor');
    assert.ok(!quiet.prompter.messages.some((m) => m.message.includes(CALM_LINE)));
  });

  it('an active incident like the new one is offered first, from the list already held (no request)', async () => {
    const existing = await declareVia(h, 'Checkout returns 500s', 'major');
    const before = sandbox.requests.length;
    h.answer({ input: 'Checkout 500 errors' }, { pick: 'major' }, { input: '' }, { pick: `Join #${existing.number}` });
    const declared = await declareIncident(h.ctx);
    assert.equal(declared, undefined, 'joined, not declared');
    assert.equal(sandbox.requests.length, before, 'no request to find the candidates');
    assert.deepEqual(h.prompter.asked.at(-1)?.labels, [`Join #${existing.number}`, 'Declare anyway']);
    assert.equal(h.store.current?.number, existing.number);
    const logEntry = h.executed.at(-1);
    assert.equal(logEntry?.command, 'firebreak.logEntry');
    assert.deepEqual(logEntry?.args[0], { incident: h.store.current, kind: 'observation' });

    h.answer({ input: 'Checkout 500 errors' }, { pick: 'major' }, { input: '' }, { pick: 'Declare anyway' });
    const anyway = await declareIncident(h.ctx);
    assert.ok(anyway && anyway.number !== existing.number);
  });

  it('suggests a break once when an update moves to monitoring, to who logged in the last hour', async () => {
    const incident = await declareVia(h);
    await h.store.refresh(h.session);
    await h.store.loadDetail(h.session, incident.number);
    h.answer(
      { pick: 'monitoring' },
      { input: 'Error rate back to normal after the rollback; watching.' },
      { pick: 'No, internal only' },
    );
    await postUpdate(h.ctx, h.store.current);
    await new Promise((resolve) => setImmediate(resolve));
    const suggestions = () => h.prompter.messages.filter((m) => /Impact has stopped/.test(m.message));
    assert.equal(suggestions().length, 1);
    assert.deepEqual(suggestions()[0]?.actions, ['Call a break']);
    const detail = await h.store.loadDetail(h.session, incident.number);
    assert.equal(await offerBreak(h.ctx, h.session, detail), false, 'once per incident');
    assert.equal(suggestions().length, 1);
  });

  it('nudges the lead once when a major incident has no comms after 10 minutes', async () => {
    const declaredAt = new Date(Date.now() - 11 * MINUTE);
    const past = wired(sandbox, { now: () => declaredAt });
    await new DeclareIncident(past.service).run({ title: 'Checkout down', severity: 'major' });
    await new DeclareIncident(past.service).run({ title: 'Search slow', severity: 'minor' });
    await h.store.refresh(h.session);
    assert.equal(await nudgeComms(h.ctx, h.session, h.store.incidents), 1);
    assert.equal(await nudgeComms(h.ctx, h.session, h.store.incidents), 0, 'once per incident');
    const nudge = h.prompter.messages.find((m) => /has no comms lead yet/.test(m.message));
    assert.deepEqual(nudge?.actions, ['Assign comms']);
  });

  it('the Incidents view lists retros due after a refresh; Skip Retro records why and clears it', async () => {
    const resolvedAt = new Date(Date.now() - 3 * 86_400_000 - MINUTE);
    const past = wired(sandbox, { now: () => resolvedAt });
    const incident = await new DeclareIncident(past.service).run({ title: 'Checkout down', severity: 'major' });
    await new ResolveIncident(past.service).run(incident.number, 'Rolled back.');
    await createPeopleWatch(h.ctx, h.store)(h.session);
    assert.deepEqual(
      h.store.retrosDue.map((r) => [r.number, r.stage]),
      [[incident.number, 'overdue']],
    );
    h.answer({ input: 'Covered by the retro of the outage it was part of' });
    const entry = await skipRetro(h.ctx, incident.number);
    assert.equal(entry?.kind === 'retro' && entry.skipped, true);
    assert.deepEqual(h.store.retrosDue, []);
    assert.equal(entryKinds(incident.number).at(-1), 'retro');
  });
});
