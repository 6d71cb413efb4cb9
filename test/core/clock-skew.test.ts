// GitHub's clock decides what "recent" means: a machine whose clock is 20 minutes fast must still find the issue or
// comment its failed attempt created, and not create a second one.
import assert from 'node:assert/strict';
import { REPO, serviceFor, useSandbox } from '../support/sandbox';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';

const SLUG = `${REPO.owner}/${REPO.name}`;
const TWENTY_MINUTES = 20 * 60_000;

describe('a client whose clock is 20 minutes fast', () => {
  // GitHub (the sandbox) is 20 minutes behind this machine's clock.
  const box = useSandbox({ now: () => new Date(Date.now() - TWENTY_MINUTES) });
  const sandbox = () => box.get();

  it('a declare whose create landed but was answered 502 makes one issue', async () => {
    const { service } = serviceFor(sandbox());
    sandbox().failNext('applied-502', 1, { method: 'POST', pathIncludes: '/issues' });
    const incident = await new DeclareIncident(service).run({ title: 'Declared with a fast clock' });
    const made = sandbox()
      .store.issues(SLUG)
      .filter((i) => i.title === 'Declared with a fast clock');
    assert.equal(made.length, 1);
    assert.equal(incident.number, made[0]?.number);
  });

  it('a log entry whose comment landed but was answered 502 lands once, after earlier answers set the clock', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Logged with a fast clock' });
    sandbox().failNext('applied-502', 1, { method: 'POST', pathIncludes: '/comments' });
    await new LogEntry(service).run(incident, { kind: 'action', text: 'Restarted the workers.' });
    assert.equal(sandbox().store.comments(SLUG, incident.number).length, 1);
  });
});
