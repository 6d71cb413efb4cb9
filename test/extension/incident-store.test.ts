import assert from 'node:assert/strict';
import { IncidentStore } from '../../extension/incident-store';
import type { Sandbox } from '../../sandbox/server';
import { useSandbox } from '../support/fixtures';
import { declareVia, flowHarness, MapMemento, type Harness } from './support/harness';
import { LogEntry } from '../../core/use-cases/log-entry';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

describe('incident store against the sandbox', () => {
  const box = useSandbox({ per: 'test' });
  let sandbox: Sandbox;
  let h: Harness;

  beforeEach(async () => {
    sandbox = box();
    h = await flowHarness(sandbox);
  });

  it('a refresh loads the active incidents, newest first, with their timelines', async () => {
    await declareVia(h, 'Search is slow', 'minor');
    const second = await declareVia(h, 'Checkout returns 500s', 'major');
    await new LogEntry(h.session.service).run(second, { kind: 'observation', text: 'p95 is 28 s' });
    const store = new IncidentStore(new MapMemento());
    await store.refresh(h.session);
    assert.equal(store.state, 'loaded');
    assert.deepEqual(
      store.incidents.map((i) => i.title),
      ['Checkout returns 500s', 'Search is slow'],
    );
    assert.deepEqual(
      store.detail(second.number)?.timeline.map((e) => e.kind),
      ['observation'],
    );
  });

  it('the current incident survives a reload (workspace state) and is shown before any request', async () => {
    const incident = await declareVia(h);
    const reloaded = new IncidentStore(h.memento);
    assert.equal(reloaded.current?.number, incident.number);
    assert.equal(reloaded.current?.title, 'Checkout returns 500s');
  });

  it('an incident resolved elsewhere stops being current on the next refresh', async () => {
    const incident = await declareVia(h);
    await new ResolveIncident(h.session.service).run(incident.number, 'Fixed elsewhere');
    await h.store.refresh(h.session);
    assert.equal(h.store.current, undefined);
    assert.deepEqual(h.store.incidents, []);
  });

  it('a failed refresh is recorded and rethrown, keeping what was shown', async () => {
    await declareVia(h);
    await h.store.refresh(h.session);
    sandbox.setDown(true);
    await assert.rejects(h.store.refresh(h.session), /not answering/);
    assert.equal(h.store.state, 'error');
    assert.equal(h.store.incidents.length, 1);
  });
});
