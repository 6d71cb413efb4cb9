// The hotfix lane: a change that says it fixes or mitigates a freezing incident passes that incident's freeze, when
// a writer made it from the repository itself, and the pass is recorded once on the incident's timeline.
import type { HotfixEntry, Incident } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import type { FreezeDecision } from './freeze-decision';
import type { IncidentService } from './incident-service';

export type HotfixVerb = 'fixes' | 'mitigates';

/**
 * The incidents a change says it fixes or mitigates: `Fixes incident #12`, `Mitigates incident #12` (any case;
 * fix/fixed, mitigate/mitigated too) in a pull request body or a commit message.
 */
export function hotfixClaims(text: string | undefined): { number: number; verb: HotfixVerb }[] {
  const claims = new Map<number, HotfixVerb>();
  for (const match of (text ?? '').matchAll(/\b(fix(?:es|ed)?|mitigat(?:es|ed|e))\s+incident\s+#(\d+)\b/gi)) {
    const number = Number(match[2]);
    const verb: HotfixVerb = /^fix/i.test(match[1] ?? '') ? 'fixes' : 'mitigates';
    if (!claims.has(number) || verb === 'fixes') claims.set(number, verb);
  }
  return [...claims].map(([number, verb]) => ({ number, verb }));
}

/**
 * The decision for a change that fixes some of the freezing incidents: those (and only those) no longer freeze it.
 * Private incidents cannot be claimed (a public change cannot name them).
 */
export function withHotfix(
  decision: FreezeDecision,
  claims: readonly { number: number; verb: HotfixVerb }[],
): { decision: FreezeDecision; hotfixed: { incident: Incident; verb: HotfixVerb }[] } {
  const hotfixed = decision.freezing.flatMap((incident) => {
    const claim = claims.find((c) => c.number === incident.number);
    return claim ? [{ incident, verb: claim.verb }] : [];
  });
  if (hotfixed.length === 0) return { decision, hotfixed };
  const freezing = decision.freezing.filter((i) => !hotfixed.some((h) => h.incident === i));
  return {
    decision: { ...decision, freezing, frozen: freezing.length + decision.privateFreezing.length > 0 },
    hotfixed,
  };
}

export interface HotfixInput {
  /** The pull request body or commit message(s) that may claim incidents. */
  readonly text?: string;
  /** Incidents claimed directly (the CLI's --hotfix N). */
  readonly numbers?: readonly number[];
  /** Who made the change. */
  readonly actor: string;
  /** The change: a pull request link, or a commit. */
  readonly change: string;
  /** Same key, same record: from the change (not the run), so reruns and re-checks record once. */
  readonly key: string;
  readonly runUrl?: string;
  readonly ref?: string;
  readonly sha?: string;
}

/** Records one `hotfix` entry on each hotfixed incident, unless this change's entry is there already. */
export async function recordHotfix(
  service: IncidentService,
  hotfixed: readonly { incident: Incident; verb: HotfixVerb }[],
  input: HotfixInput,
  now: Date,
): Promise<number> {
  let recorded = 0;
  for (const { incident, verb } of hotfixed) {
    const key = `${input.key}-${incident.number}`.slice(0, 200);
    if (await service.gatewayFor(incident.repo).hasCommentWithKey(incident.number, key)) continue;
    const entry: HotfixEntry = {
      kind: 'hotfix',
      key,
      at: now.toISOString(),
      by: input.actor,
      actor: input.actor,
      verb,
      change: stripControl(input.change).slice(0, 500),
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
      ...(input.ref ? { ref: input.ref } : {}),
      ...(input.sha ? { sha: input.sha } : {}),
    };
    await service.append(incident, entry);
    recorded++;
  }
  return recorded;
}
