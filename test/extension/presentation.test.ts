import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/domain/config';
import type { Incident } from '../../core/domain/incident';
import {
  entryIcon,
  formatAge,
  incidentDescription,
  severityIcon,
  statusBarView,
  updateCountdown,
} from '../../extension/presentation';
import { aDeclaration, anEntry } from '../builders/incident';

const config = defaultConfig();
const declared = '2026-11-23T10:00:00.000Z';

function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    key: 'k',
    title: 'Checkout returns 500s',
    description: '',
    severity: 'critical',
    status: 'investigating',
    roles: { lead: 'alice' },
    private: false,
    drill: false,
    services: [],
    declaredBy: 'alice',
    timestamps: { declared },
    repo: { owner: 'acme', name: 'shop' },
    number: 12,
    url: 'https://github.com/acme/shop/issues/12',
    open: true,
    otherLabels: [],
    assignees: ['alice'],
    timeline: [],
    timelineLoaded: false,
    updatedAt: declared,
    declaration: aDeclaration({ declaredAt: declared }),
    ...overrides,
  };
}

const at = (minutes: number) => new Date(Date.parse(declared) + minutes * 60_000);

describe('presentation', () => {
  it('formats ages from seconds to days', () => {
    assert.deepEqual(
      [formatAge(42_000), formatAge(12 * 60_000), formatAge(65 * 60_000), formatAge(50 * 3_600_000)],
      ['42s', '12m', '1h 05m', '2d 2h'],
    );
  });

  it('the status bar shows severity, elapsed time and the countdown to the next update', () => {
    const view = statusBarView(anIncident(), config, at(12));
    assert.equal(view.text, '$(flame) #12 critical · 12m · update in 18m');
    assert.equal(view.overdue, false);
    assert.match(view.tooltip, /Next update due 2026-11-23 10:30 UTC \(every 30m at critical\)/);
  });

  it('turns to a warning once the update is overdue, counted from the last update', () => {
    const overdue = statusBarView(anIncident(), config, at(35));
    assert.equal(overdue.text, '$(warning) #12 critical · 35m · update overdue 5m');
    assert.equal(overdue.overdue, true);
    const updated = anIncident({ lastUpdate: { at: at(20).toISOString(), text: 'Rolled back', by: 'alice' } });
    assert.equal(updateCountdown(updated, config, at(35)).text, 'update in 15m');
  });

  it('shows waiting entries in the status bar', () => {
    assert.match(statusBarView(anIncident(), config, at(1), 2).text, /\$\(cloud-upload\) 2$/);
  });

  it('describes an incident in the tree with number, severity, status, age and lead', () => {
    assert.equal(incidentDescription(anIncident(), at(90)), '#12 · critical · investigating · 1h 30m · @alice');
    assert.equal(incidentDescription(anIncident({ status: 'declared' }), at(5)), '#12 · critical · 5m · @alice');
  });

  it('colors the flame by severity rank, blue in triage, a beaker for drills; destructive entries get a warning icon', () => {
    assert.deepEqual(severityIcon(anIncident(), config), { id: 'flame', color: 'charts.red' });
    assert.deepEqual(severityIcon(anIncident({ severity: 'minor' }), config), { id: 'flame', color: 'charts.yellow' });
    assert.deepEqual(severityIcon(anIncident({ severity: 'triage' }), config), { id: 'flame', color: 'charts.blue' });
    assert.equal(severityIcon(anIncident({ drill: true }), config).id, 'beaker');
    assert.deepEqual(entryIcon(anEntry({ kind: 'theory' })), { id: 'lightbulb' });
    assert.equal(entryIcon(anEntry({ destructive: true })).id, 'warning');
  });
});
