import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertShapeError, alertId, type AlertSource } from '../../../core/alerts/alert';
import { normaliseAlerts } from '../../../core/alerts/normalise';
import { routeAlert } from '../../../core/alerts/routes';
import { defaultConfig, parseConfig } from '../../../core/domain/config';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'alerts', `${name}.json`), 'utf8'));

describe('alert normalisers (documented payloads)', () => {
  const expectations: [AlertSource, string, { fingerprint: string; status: string; title: string; url?: string }][] = [
    [
      'alertmanager',
      'alertmanager-firing',
      {
        fingerprint: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
        status: 'firing',
        title: 'BlackBox Probe Failure: https://server.example.org',
        url: 'http://prometheus.example.org:9093/',
      },
    ],
    [
      'alertmanager',
      'alertmanager-resolved',
      {
        fingerprint: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
        status: 'resolved',
        title: 'BlackBox Probe Failure: https://server.example.org',
      },
    ],
    [
      'pagerduty',
      'pagerduty-triggered',
      {
        fingerprint: 'PGR0VU2',
        status: 'firing',
        title: 'A little bump in the road',
        url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
      },
    ],
    [
      'pagerduty',
      'pagerduty-acknowledged',
      { fingerprint: 'PGR0VU2', status: 'firing', title: 'A little bump in the road' },
    ],
    [
      'pagerduty',
      'pagerduty-resolved',
      { fingerprint: 'PGR0VU2', status: 'resolved', title: 'A little bump in the road' },
    ],
    [
      'datadog',
      'datadog-triggered',
      { fingerprint: '9bd4ac313a4d1e8fae2482df7b77628', status: 'firing', title: 'High error rate on checkout' },
    ],
    [
      'datadog',
      'datadog-recovered',
      { fingerprint: '9bd4ac313a4d1e8fae2482df7b77628', status: 'resolved', title: 'High error rate on checkout' },
    ],
    [
      'sentry',
      'sentry-issue-alert',
      { fingerprint: 'issue:1117540176', status: 'firing', title: 'ReferenceError: heck is not defined' },
    ],
    ['sentry', 'sentry-metric-critical', { fingerprint: 'metric:53', status: 'firing', title: 'Too many errors' }],
    ['sentry', 'sentry-metric-resolved', { fingerprint: 'metric:53', status: 'resolved', title: 'Too many errors' }],
    ['generic', 'generic-firing', { fingerprint: 'checkout-5xx', status: 'firing', title: 'Checkout returns 500s' }],
  ];
  for (const [source, name, want] of expectations) {
    it(`${name}: ${want.status} alert ${want.fingerprint}`, () => {
      const [alert, ...rest] = normaliseAlerts(source, fixture(name));
      assert.equal(rest.length, 0);
      assert.equal(alert?.source, source);
      assert.equal(alert?.fingerprint, want.fingerprint);
      assert.equal(alert?.status, want.status);
      assert.equal(alert?.title, want.title);
      if (want.url) assert.equal(alert?.url, want.url);
    });
  }

  it('Grafana: one alert per entry, each with its fingerprint and labels', () => {
    const alerts = normaliseAlerts('grafana', fixture('grafana-firing'));
    assert.deepEqual(
      alerts.map((a) => [a.fingerprint, a.status, a.title, a.labels['zone']]),
      [
        ['c6eadffa33fcdf37', 'firing', 'This alert was triggered for zone us-1', 'us-1'],
        ['bc97ff14869b13e3', 'firing', 'This alert was triggered for zone eu-1', 'eu-1'],
      ],
    );
    assert.match(alerts[0]?.description ?? '', /Runbook: https:\/\/myrunbook.com\/runbook\/1234/);
  });

  it('the same alert from any delivery has the same id; another source never does', () => {
    const a = normaliseAlerts('pagerduty', fixture('pagerduty-triggered'))[0]!;
    const b = normaliseAlerts('pagerduty', fixture('pagerduty-resolved'))[0]!;
    assert.equal(alertId(a), alertId(b));
    assert.notEqual(alertId(a), alertId({ source: 'generic', fingerprint: a.fingerprint }));
  });

  it('a payload that is not the source shape is refused with the reason', () => {
    assert.throws(() => normaliseAlerts('alertmanager', { version: '3' }), AlertShapeError);
    assert.throws(() => normaliseAlerts('generic', { title: 'x' }), /"fingerprint" is missing/);
    assert.throws(() => normaliseAlerts('generic', { title: 'x', fingerprint: 'y', url: 'javascript:1' }), /http/);
    assert.throws(() => normaliseAlerts('grafana', { alerts: 3 }), /not a list/);
    assert.throws(() => normaliseAlerts('sentry', { data: {} }), /neither/);
    assert.deepEqual(normaliseAlerts('pagerduty', { event: { event_type: 'service.updated', data: {} } }), []);
  });
});

describe('alert routes', () => {
  const alert = normaliseAlerts('alertmanager', fixture('alertmanager-firing'))[0]!;

  it('without routes: declare at the alert severity when configured, else triage', () => {
    assert.deepEqual(routeAlert(defaultConfig(), alert), {
      action: 'declare',
      severity: 'critical',
      autoResolve: false,
    });
    const other = { ...alert, severity: 'P1' };
    assert.equal(routeAlert(defaultConfig(), other).severity, 'triage');
  });

  it('the first route whose match fits decides; `*` matches any text', () => {
    const config = parseConfig(
      [
        'alerts:',
        '  routes:',
        '    - match: { source: grafana }',
        '      action: ignore',
        '    - match: { alertname: "Probe*", job: http_checks }',
        '      severity: minor',
        '      action: attach',
        '      service: web',
        '      auto-resolve: true',
      ].join('\n'),
    );
    assert.deepEqual(routeAlert(config, alert), {
      action: 'attach',
      severity: 'minor',
      service: 'web',
      autoResolve: true,
      route: 1,
    });
  });

  it('config errors name the file, line and field', () => {
    const text = [
      'services:',
      '  checkout: { paths: ["src/**"] }',
      'alerts:',
      '  routes:',
      '    - match: { alertname: X }',
      '      severity: sev0',
      '      service: search',
      '      action: page',
    ].join('\n');
    assert.throws(
      () => parseConfig(text),
      (error: Error) => {
        assert.match(
          error.message,
          /incidents\.yml:8:\d+: alerts\.routes\[0\]\.action: action must be declare, attach or ignore/,
        );
        return true;
      },
    );
    const fixed = text.replace('page', 'declare');
    assert.throws(
      () => parseConfig(fixed),
      (error: Error) => {
        assert.match(error.message, /:6:\d+: alerts\.routes\[0\]\.severity: unknown severity "sev0"/);
        assert.match(error.message, /:7:\d+: alerts\.routes\[0\]\.service: unknown service "search"/);
        return true;
      },
    );
    assert.throws(
      () => parseConfig('alerts:\n  roots: []\n'),
      /alerts\.roots: unknown key "roots"; allowed here: routes/,
    );
  });
});
