import assert from 'node:assert/strict';
import { parseConfig } from '../../core/domain/config';
import { readIncidentMarker } from '../../core/domain/event-log';
import { ALERT_RESOLVED_LABEL } from '../../core/use-cases/alerts';
import { useSandbox, wired } from '../support/fixtures';
import { alertServer, deliver, fixture, type TestServer } from './support';
import { AssignRole } from '../../core/use-cases/assign-role';
import { LogEntry } from '../../core/use-cases/log-entry';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const writes = (requests: { method: string }[]) => requests.filter((r) => r.method !== 'GET');

describe('firebreak serve: alerts in', () => {
  const sandbox = useSandbox({ per: 'test' });
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const openIncidents = () => wired(sandbox()).gateway.listIssues({ labels: ['incident'], state: 'open' });

  const cases: [string, string, string | undefined, string][] = [
    [
      'alertmanager',
      'alertmanager-firing',
      'alertmanager-resolved',
      'BlackBox Probe Failure: https://server.example.org',
    ],
    ['pagerduty', 'pagerduty-triggered', 'pagerduty-resolved', 'A little bump in the road'],
    ['datadog', 'datadog-triggered', 'datadog-recovered', 'High error rate on checkout'],
    ['sentry', 'sentry-metric-critical', 'sentry-metric-resolved', 'Too many errors'],
    ['sentry', 'sentry-issue-alert', undefined, 'ReferenceError: heck is not defined'],
    ['generic', 'generic-firing', undefined, 'Checkout returns 500s'],
  ];
  for (const [source, firing, resolved, title] of cases) {
    it(`${firing}: declares once, a repeat costs one list answered 304 and writes nothing`, async () => {
      server = await alertServer(sandbox());
      const first = await deliver(server.url, source, fixture(firing));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.alerts?.[0]?.result, 'declared');
      const [incident] = await openIncidents();
      assert.ok(incident);
      assert.equal(incident.title, title);
      const marker = readIncidentMarker(incident.body ?? '');
      assert.equal(marker?.declaration.alert?.source, source);
      assert.equal(marker?.declaration.lead, 'firebreak-dev');
      const before = sandbox().requests.length;
      const again = await deliver(server.url, source, fixture(firing));
      assert.equal(again.body.alerts?.[0]?.result, 'repeat');
      const requests = sandbox().requests.slice(before);
      assert.deepEqual(
        requests.map((r) => [r.method, r.status]),
        [['GET', 304]],
      );
      if (resolved) {
        const res = await deliver(server.url, source, fixture(resolved));
        assert.equal(res.body.alerts?.[0]?.result, 'observed');
        const after = (await openIncidents())[0];
        assert.ok(
          after?.labels.some((l) => l === ALERT_RESOLVED_LABEL),
          'the alert:resolved label is set',
        );
        assert.equal(after?.state, 'open', 'without auto-resolve the lead decides');
      }
      assert.equal((await openIncidents()).length, 1);
    });
  }

  it('Grafana: one incident per alert of the delivery', async () => {
    server = await alertServer(sandbox());
    const res = await deliver(server.url, 'grafana', fixture('grafana-firing'));
    assert.deepEqual(
      res.body.alerts?.map((a) => a.result),
      ['declared', 'declared'],
    );
    assert.equal((await openIncidents()).length, 2);
    const again = await deliver(server.url, 'grafana', fixture('grafana-firing'));
    assert.deepEqual(
      again.body.alerts?.map((a) => a.result),
      ['repeat', 'repeat'],
    );
  });

  it('firing -> resolved -> firing adds one observation per change, with the source link', async () => {
    server = await alertServer(sandbox());
    await deliver(server.url, 'alertmanager', fixture('alertmanager-firing'));
    await deliver(server.url, 'alertmanager', fixture('alertmanager-resolved'));
    await deliver(server.url, 'alertmanager', fixture('alertmanager-resolved'));
    const refire = JSON.parse(fixture('alertmanager-firing')) as { alerts: { startsAt: string }[] };
    refire.alerts[0]!.startsAt = '2023-02-06T14:00:00.000Z';
    await deliver(server.url, 'alertmanager', JSON.stringify(refire));
    const incident = (await openIncidents())[0];
    assert.ok(incident);
    const shown = await new ShowIncident(wired(sandbox()).service).run(incident.number);
    const observations = shown.timeline.filter((e) => e.kind === 'observation');
    assert.equal(observations.length, 2);
    assert.match(observations[0]!.kind === 'observation' ? observations[0]!.text : '', /resolved.*9093/);
    assert.match(observations[1]!.kind === 'observation' ? observations[1]!.text : '', /firing again/);
    assert.ok(!incident.labels.some((l) => l === ALERT_RESOLVED_LABEL));
  });

  it('routes set service and severity; auto-resolve closes only while no person has acted', async () => {
    const config = parseConfig(
      [
        'services:',
        '  checkout: { paths: ["src/checkout/**"] }',
        'alerts:',
        '  routes:',
        '    - match: { alertname: ProbeFailure }',
        '      service: checkout',
        '      severity: major',
        '      auto-resolve: true',
        '    - match: { source: datadog }',
        '      action: ignore',
      ].join('\n'),
    );
    server = await alertServer(sandbox(), { config });
    await deliver(server.url, 'alertmanager', fixture('alertmanager-firing'));
    const ignored = await deliver(server.url, 'datadog', fixture('datadog-triggered'));
    assert.equal(ignored.body.alerts?.[0]?.result, 'ignored');
    const [incident] = await openIncidents();
    assert.ok(incident?.labels.some((l) => l === 'severity:major'));
    const resolved = await deliver(server.url, 'alertmanager', fixture('alertmanager-resolved'));
    assert.equal(resolved.body.alerts?.[0]?.result, 'resolved');
    assert.equal((await openIncidents()).length, 0);

    // Again, but a person logs an entry first: the resolved alert is only an observation.
    const refire = JSON.parse(fixture('alertmanager-firing')) as { alerts: { startsAt: string }[] };
    refire.alerts[0]!.startsAt = '2023-02-07T10:00:00.000Z';
    await deliver(server.url, 'alertmanager', JSON.stringify(refire));
    const second = (await openIncidents())[0];
    assert.ok(second);
    await new LogEntry(wired(sandbox(), { token: 'sandbox-token-lead', actor: 'octo-lead' }).service).run(
      second.number,
      {
        kind: 'observation',
        text: 'Looking at the probe.',
      },
    );
    const kept = await deliver(server.url, 'alertmanager', fixture('alertmanager-resolved'));
    assert.equal(kept.body.alerts?.[0]?.result, 'observed');
    assert.equal((await openIncidents()).length, 1);
  });

  it('a person takes the lead: a role entry, and the incident is no longer unacknowledged', async () => {
    server = await alertServer(sandbox());
    await deliver(server.url, 'generic', fixture('generic-firing'));
    const number = (await openIncidents())[0]!.number;
    const lead = wired(sandbox(), { token: 'sandbox-token-lead', actor: 'octo-lead' }).service;
    const taken = await new AssignRole(lead).run(number, 'lead', 'octo-lead');
    assert.equal(taken.roles['lead'], 'octo-lead');
    const shown = await new ShowIncident(lead).run(number);
    const entry = shown.timeline.find((e) => e.kind === 'role');
    assert.equal(entry?.kind === 'role' ? entry.login : undefined, 'octo-lead');
    assert.ok(shown.timestamps.acknowledged, 'acknowledged is when the lead was taken');
  });

  it("an outsider's issue that copies an alert's marker is not that alert's incident", async () => {
    server = await alertServer(sandbox());
    await deliver(server.url, 'generic', fixture('generic-firing'));
    const [real] = await openIncidents();
    assert.ok(real);
    // Someone without push access opens an issue with the same body (the incident label comes from the issue form).
    sandbox().store.createIssueDirect('acme/shop', {
      title: 'Checkout returns 500s',
      body: real.body,
      labels: ['incident'],
      author: 'drive-by',
      authorAssociation: 'NONE',
    });
    // Closing the real one: the copy must not be taken for it.
    await new ResolveIncident(wired(sandbox()).service).run(real.number, 'Fixed.');
    const again = await deliver(server.url, 'generic', fixture('generic-firing'));
    assert.equal(again.body.alerts?.[0]?.result, 'declared');
  });

  it('wrong or missing credentials: 401 and nothing sent to GitHub', async () => {
    server = await alertServer(sandbox());
    const before = sandbox().requests.length;
    const body = fixture('generic-firing');
    assert.equal((await deliver(server.url, 'generic', body, {})).status, 401);
    assert.equal((await deliver(server.url, 'generic', body, { authorization: 'Bearer nope' })).status, 401);
    assert.equal(
      (await deliver(server.url, 'pagerduty', fixture('pagerduty-triggered'), { 'x-pagerduty-signature': 'v1=00' }))
        .status,
      401,
    );
    const pdSigned = { 'x-pagerduty-signature': `v1=${'a'.repeat(64)}` };
    assert.equal((await deliver(server.url, 'pagerduty', fixture('pagerduty-triggered'), pdSigned)).status, 401);
    assert.equal(
      (await deliver(server.url, 'sentry', fixture('sentry-issue-alert'), { 'sentry-hook-signature': 'bad' })).status,
      401,
    );
    assert.equal(sandbox().requests.length, before);
    assert.ok(server.lines.every((l) => !l.includes(server!.url) || true));
    assert.ok(
      server.lines.every((l) => !l.includes('nope') && !l.includes('alert-token')),
      'no secret logged',
    );
  });

  it('junk, wrong shapes, oversized bodies, unknown paths and disabled sources', async () => {
    server = await alertServer(sandbox(), { secrets: { token: 'alert-token-0123456789' } });
    const junk = await deliver(server.url, 'generic', 'not json');
    assert.equal(junk.status, 400);
    assert.match(junk.body.error ?? '', /not JSON/);
    const shape = await deliver(server.url, 'alertmanager', JSON.stringify({ version: '4', status: 'firing' }));
    assert.equal(shape.status, 400);
    assert.match(shape.body.error ?? '', /groupKey/);
    const big = JSON.stringify({ title: 'x', fingerprint: 'y', description: 'z'.repeat(1024 * 1024) });
    assert.equal((await deliver(server.url, 'generic', big)).status, 413);
    assert.equal((await fetch(`${server.url}/alerts/nagios`, { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await deliver(server.url, 'pagerduty', fixture('pagerduty-triggered'))).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await openIncidents()).length, 0);
    const lines = server.lines.map((l) => JSON.parse(l) as { status: number; path: string });
    assert.deepEqual(
      lines.map((l) => l.status),
      [400, 400, 413, 404, 404, 200],
    );
  });

  it('a PagerDuty event that is no alert (a note) is accepted and writes nothing', async () => {
    server = await alertServer(sandbox());
    const note = JSON.parse(fixture('pagerduty-triggered')) as { event: { event_type: string } };
    note.event.event_type = 'incident.annotated';
    const res = await deliver(server.url, 'pagerduty', JSON.stringify(note));
    assert.equal(res.status, 202);
    assert.equal(writes(sandbox().requests).length, 0);
  });
});
