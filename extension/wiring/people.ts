// After each refresh: the comms nudge for incidents you lead, the break suggestion on incidents whose impact
// stopped, and (every few minutes, not every poll) the retros due that the Incidents view lists.
import type { FlowContext } from '../flows/context';
import { nudgeComms, offerBreak } from '../flows/people';
import type { IncidentStore } from '../incident-store';
import type { Session } from '../session';
import { RetrosDue } from '../../core/use-cases/retros-due';

/** Retros change by the day: reading them every poll would cost a request per due retro each time. */
const RETROS_EVERY_MS = 10 * 60_000;

export function createPeopleWatch(flows: FlowContext, store: IncidentStore): (session: Session) => Promise<void> {
  let retrosReadAt = Number.NEGATIVE_INFINITY;
  let retrosRepo: string | undefined;
  return async (session) => {
    await nudgeComms(flows, session, store.incidents);
    for (const incident of store.detailed) await offerBreak(flows, session, incident);
    const repo = store.repo;
    const now = flows.now().getTime();
    if (repo !== retrosRepo || now - retrosReadAt >= RETROS_EVERY_MS) {
      retrosReadAt = now;
      retrosRepo = repo;
      store.setRetrosDue(await new RetrosDue(session.service).run());
    }
  };
}
