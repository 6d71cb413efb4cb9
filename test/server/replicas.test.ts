// Exactly once across replicas and faults: the dedupe lives on GitHub, so two `firebreak serve` processes receiving
// the same alert at once, and deliveries retried through injected faults, leave one open incident.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ALERT_RESOLVED_LABEL } from '../../core/use-cases/alerts';
import { ADMIN_TOKEN, useSandbox, wired } from '../support/fixtures';
import { ALERT_TOKEN, alertServer, deliver, fixture, serveProcess, type TestServer } from './support';
import { ShowIncident } from '../../core/use-cases/show-incident';

const ROOT = join(__dirname, '..', '..');

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** As a source does: deliver again after a 5xx or a dropped connection, until the server accepts it. */
async function deliverUntilAccepted(url: string, source: string, body: string): Promise<string> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      const res = await deliver(url, source, body);
      if (res.status < 500) return res.body.alerts?.[0]?.result ?? String(res.status);
    } catch {
      // connection reset: retried like a 5xx
    }
  }
  throw new Error('the delivery was never accepted');
}

describe('firebreak serve: exactly once across replicas and faults', () => {
  const sandbox = useSandbox({ per: 'test' });
  const openIncidents = () => wired(sandbox()).gateway.listIssues({ labels: ['incident'], state: 'open' });

  it('2 server processes x 20 concurrent deliveries of one alert leave one open incident', async function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT });
    const replicas = await Promise.all([
      serveProcess(sandbox().url, { FIREBREAK_ALERT_TOKEN: ALERT_TOKEN }),
      serveProcess(sandbox().url, { FIREBREAK_ALERT_TOKEN: ALERT_TOKEN }),
    ]);
    try {
      const body = fixture('alertmanager-firing');
      const results = await Promise.all(
        replicas.flatMap((r) => Array.from({ length: 20 }, () => deliver(r.url, 'alertmanager', body))),
      );
      assert.deepEqual(
        results.filter((r) => r.status !== 200),
        [],
      );
      const open = await openIncidents();
      assert.equal(open.length, 1, open.map((i) => `#${i.number}`).join(', '));
      const all = await wired(sandbox()).gateway.listIssues({ labels: ['incident'], state: 'all' });
      for (const duplicate of all.filter((i) => i.state === 'closed')) {
        assert.equal(duplicate.stateReason, 'duplicate');
      }
      const declared = results.filter((r) => r.body.alerts?.[0]?.result === 'declared').length;
      assert.ok(declared >= 1 && declared <= 2, `declared by ${declared} deliveries`);
    } finally {
      const codes = await Promise.all(replicas.map((r) => stop(r.child)));
      assert.deepEqual(codes, [0, 0], 'SIGTERM stops each server cleanly');
    }
    const lines = replicas.flatMap((r) =>
      r.output
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{')),
    );
    assert.equal(lines.length, 40);
    assert.ok(lines.every((l) => !l.includes(ADMIN_TOKEN) && !l.includes(ALERT_TOKEN)));
  });

  it('deliveries under injected faults: one incident, no lost change of state', async function () {
    this.timeout(120_000);
    let server: TestServer | undefined;
    try {
      server = await alertServer(sandbox());
      sandbox().injectFaults({ rate: 0.3, seed: 13, kinds: ['http500', 'http502', 'reset', 'applied-502'] });
      const firing = fixture('alertmanager-firing');
      const refire = JSON.parse(firing) as { alerts: { startsAt: string }[] };
      refire.alerts[0]!.startsAt = '2023-02-06T14:00:00.000Z';
      await Promise.all([1, 2, 3].map(() => deliverUntilAccepted(server!.url, 'alertmanager', firing)));
      await deliverUntilAccepted(server.url, 'alertmanager', fixture('alertmanager-resolved'));
      await deliverUntilAccepted(server.url, 'alertmanager', JSON.stringify(refire));
      // Alertmanager resolves the second episode with that episode's start.
      const resolvedAgain = JSON.parse(fixture('alertmanager-resolved')) as { alerts: { startsAt: string }[] };
      resolvedAgain.alerts[0]!.startsAt = refire.alerts[0]!.startsAt;
      await deliverUntilAccepted(server.url, 'alertmanager', JSON.stringify(resolvedAgain));
      sandbox().injectFaults(undefined);
      const open = await openIncidents();
      assert.equal(open.length, 1);
      assert.ok(open[0]!.labels.includes(ALERT_RESOLVED_LABEL), 'the last state (resolved) is shown');
      const shown = await new ShowIncident(wired(sandbox()).service).run(open[0]!.number);
      const observations = shown.timeline.filter((e) => e.kind === 'observation').map((e) => e.key);
      assert.equal(new Set(observations).size, 3, 'resolved, firing again, resolved: one observation each');
    } finally {
      sandbox().injectFaults(undefined);
      await server?.close();
    }
  });
});
