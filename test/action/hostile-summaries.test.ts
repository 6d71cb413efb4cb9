// Job summaries carry titles, service display names and outsiders' text: their HTML is shown as text, never parsed
// (`<img src=x onerror=…>` must not reach the summary as a tag), in every mode that writes one.
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/domain/config';
import { renderFollowUpReport } from '../../core/use-cases/follow-ups';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, REPO, runAction } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { PostUpdate } from '../../core/use-cases/post-update';

const HOSTILE = '<img src=x onerror=alert(1)>';
const CONFIG = `services:\n  checkout: { paths: ["src/**"], public: true, display-name: "Checkout ${HOSTILE}" }\n`;
const TAG = /<img|<details><summary>x/i;

describe('action: job summaries show hostile text as text', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  before(buildAction);

  it('freeze, status and status-page summaries escape HTML from titles and display names', async () => {
    const w = world(sandbox(), { config: parseConfig(CONFIG) });
    const incident = await new DeclareIncident(w.service()).run({
      title: `Checkout ${HOSTILE} <details><summary>x`,
      severity: 'critical',
      services: ['checkout'],
    });
    await new PostUpdate(w.service()).run(incident.number, { text: 'Checkout fails.', public: true });
    // An outsider's request (the issue form, no write access) is listed by status too.
    sandbox().store.createIssueDirect(REPO, {
      title: `Request ${HOSTILE}`,
      body: '### Severity\n\nmajor\n\n### What is happening\n\nx',
      labels: ['incident'],
      author: 'drive-by',
    });
    const files = { '.github/incidents.yml': CONFIG };
    for (const mode of ['freeze', 'status', 'status-page']) {
      const run = await runAction(sandbox(), { inputs: { mode }, eventName: 'schedule', files });
      assert.match(run.summary, /&lt;img src=x onerror=alert\(1\)>/, `${mode}:\n${run.summary}`);
      assert.doesNotMatch(run.summary, TAG, `${mode}:\n${run.summary}`);
    }
  });

  it('the follow-ups report escapes HTML from the title and the action items', () => {
    const report = renderFollowUpReport({
      incident: { number: 7, url: 'https://github.com/acme/shop/issues/7', title: `Outage ${HOSTILE}` },
      items: [],
      created: [
        { number: 8, url: 'https://github.com/acme/shop/issues/8', key: 'k', text: `Fix ${HOSTILE}`, assigned: false },
      ],
      existing: [],
      duplicatesClosed: [],
      problems: [],
      annotated: 0,
      checked: 0,
      untrustedSources: 0,
      hasSection: true,
      warnings: [],
    });
    assert.doesNotMatch(report, TAG, report);
    assert.match(report, /Outage &lt;img/);
    assert.match(report, /Fix &lt;img/);
  });
});
