// The hotfix lane: a change that says it fixes or mitigates a freezing incident passes that incident's freeze, when
// a writer made it from the repository itself, and the pass is recorded once on the incident's timeline. The gate
// (pull_request, push, merge_group, the CLI) and the status sync (every open pull request) apply this one rule.
import type { Authority } from '../authority';
import { repoSlug, type HotfixEntry, type Incident, type RepoRef } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import { visibleText } from '../domain/visible-text';
import type { FreezeDecision } from './freeze-decision';
import type { IncidentContext } from './incident-context';

export type HotfixVerb = 'fixes' | 'mitigates';

export interface HotfixClaim {
  readonly number: number;
  readonly verb: HotfixVerb;
}

/**
 * The incidents a text says a change fixes or mitigates: `Fixes incident #12`, `Mitigates incident #12` (any case;
 * fix/fixed, mitigate/mitigated too), read where a reader sees it: not in HTML comments, not in code.
 */
export function hotfixClaims(text: string | undefined): HotfixClaim[] {
  const claims = new Map<number, HotfixVerb>();
  const prose = visibleText(text ?? '');
  for (const match of prose.matchAll(/\b(fix(?:es|ed)?|mitigat(?:es|ed|e))\s+incident\s+#(\d+)\b/gi)) {
    const number = Number(match[2]);
    const verb: HotfixVerb = /^fix/i.test(match[1] ?? '') ? 'fixes' : 'mitigates';
    if (!claims.has(number) || verb === 'fixes') claims.set(number, verb);
  }
  return [...claims].map(([number, verb]) => ({ number, verb }));
}

/** A change that may claim incidents, as the gate's event and the status sync's pull request list both describe it. */
export interface HotfixChange {
  /** A pull request's title and body, or the commit message(s). */
  readonly text?: string;
  /** Incidents claimed directly (the CLI's --hotfix N). */
  readonly numbers?: readonly number[];
  /** Who made the change (the pull request's author, the pushed commit's): whose push access counts. */
  readonly actor: string;
  /** The head is a fork (or another repository than the base): nobody's claim from there is honoured. */
  readonly fork?: boolean;
  /** The repository the change is made to, where the actor's permission is asked. */
  readonly repo: RepoRef;
}

/**
 * The one rule of the hotfix lane: a change's claims count only when it does not come from a fork and its author
 * may push to the repository (GitHub's permission API, through Authority). Only claims `among` the incidents that
 * matter are weighed, so a claim of nothing frozen costs no permission request.
 */
export async function honouredClaims(
  authority: Authority,
  change: HotfixChange,
  among?: (incident: number) => boolean,
): Promise<HotfixClaim[]> {
  const claims = [
    ...hotfixClaims(change.text),
    ...(change.numbers ?? []).map((number) => ({ number, verb: 'fixes' as const })),
  ].filter((c) => !among || among(c.number));
  if (claims.length === 0 || change.fork === true) return [];
  return (await authority.mayWrite(change.repo, change.actor)) ? claims : [];
}

/** The key of a pull request's hotfix record, the same from the gate and from the status sync. */
export function pullHotfixKey(repo: RepoRef, pullNumber: number): string {
  return `hotfix-pr-${repoSlug(repo)}-${pullNumber}`;
}

/** The key of a commit's hotfix record (push, merge group, the CLI's checkout). */
export function commitHotfixKey(sha: string): string {
  return `hotfix-commit-${sha}`;
}

/**
 * The decision for a change that fixes some of the freezing incidents: those (and only those) no longer freeze it.
 * Private incidents cannot be claimed (a public change cannot name them). Claims must have passed honouredClaims.
 */
export function withHotfix(
  decision: FreezeDecision,
  claims: readonly HotfixClaim[],
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

/** A change whose pass is recorded: the claim, and where the record points. */
export interface HotfixInput extends HotfixChange {
  /** The change: a pull request link, or a commit. */
  readonly change: string;
  /** Same key, same record: from the change (not the run), so reruns, re-checks and both paths record once. */
  readonly key: string;
  readonly runUrl?: string;
  readonly ref?: string;
  readonly sha?: string;
}

/** Records one `hotfix` entry on each hotfixed incident, unless this change's entry is there already. */
export async function recordHotfix(
  service: IncidentContext,
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
