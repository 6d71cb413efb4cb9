// The deploy freeze gate every face runs: decide from the open incidents, let a writer's hotfix through, and record a
// deliberate bypass on every incident that froze the deploy.
import { InputError } from '../domain/errors';
import type { BypassEntry } from '../domain/incident';
import type { IssueGateway } from '../github/issue-gateway';
import { stripControl } from '../domain/markdown';
import type { IncidentContext } from './incident-context';
import type { UseCaseDeps } from './use-case';
import { checkFreeze, type FreezeDecision, type FreezeOptions } from './freeze-decision';
import { honouredClaims, recordHotfix, withHotfix, type HotfixInput, type HotfixVerb } from './hotfix';
import type { Incident } from '../domain/incident';
import type { Authority } from '../authority';

export interface BypassInput {
  /** Who deploys anyway (the workflow actor). */
  readonly actor: string;
  readonly reason: string;
  readonly runUrl?: string;
  readonly ref?: string;
  readonly sha?: string;
  /** Same key, same record: a retried step writes each record once. Made unique per incident here. */
  readonly key: string;
  readonly now?: Date;
}

/** Records the bypass as a `bypass` entry on every freezing incident (one comment each). */
export async function recordBypass(
  service: IncidentContext,
  decision: FreezeDecision,
  input: BypassInput,
): Promise<BypassEntry[]> {
  const reason = stripControl(input.reason).trim();
  if (!reason)
    throw new InputError(
      'A freeze bypass needs a reason.',
      'Say why this deploy cannot wait, e.g. "hotfix for the incident itself".',
    );
  const at = (input.now ?? new Date()).toISOString();
  const recorded: BypassEntry[] = [];
  for (const incident of [...decision.freezing, ...decision.privateFreezing.map((p) => p.incident())]) {
    const entry: BypassEntry = {
      kind: 'bypass',
      key: `${input.key}-${incident.number}`.slice(0, 200),
      at,
      by: input.actor,
      actor: input.actor,
      reason,
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
      ...(input.ref ? { ref: input.ref } : {}),
      ...(input.sha ? { sha: input.sha } : {}),
    };
    recorded.push((await service.append(incident, entry)) as BypassEntry);
  }
  return recorded;
}

export interface FreezeRequest extends FreezeOptions {
  /** Deploy anyway: recorded on every freezing incident. Without an actor, the service's actor bypasses. */
  readonly bypass?: Omit<BypassInput, 'now' | 'actor'> & { readonly actor?: string };
  /** The change claims to fix incidents: those pass when a writer claims them (hotfix lane), and are recorded. */
  readonly hotfix?: HotfixInput;
}

export interface FreezeOutcome {
  /** The decision for this change: the hotfix lane applied. */
  readonly decision: FreezeDecision;
  /** The decision before the hotfix lane (what any other change gets). */
  readonly checked: FreezeDecision;
  /** Freezing incidents this change fixes or mitigates: they do not freeze it. */
  readonly hotfixed?: readonly { readonly incident: Incident; readonly verb: HotfixVerb }[];
  /** Set when the deploy goes ahead during a freeze. */
  readonly bypass?: { readonly actor: string; readonly reason: string; readonly recorded: number };
}

/**
 * The freeze use case every face runs: decide from the open incidents, and when frozen and asked to bypass, record
 * the bypass on each freezing incident. The service is asked for only then (the CLI needs a token for it).
 */
export class Freeze {
  constructor(
    private readonly deps: Pick<UseCaseDeps, 'gateway' | 'config'> & {
      /** The private repository's gateway, when the config names one: its incidents freeze too, unnamed. */
      readonly privateGateway?: IssueGateway;
      /** Who may claim the hotfix lane (GitHub's permission API). */
      readonly authority: Authority;
      service(): Promise<IncidentContext>;
    },
  ) {}

  async run(request: FreezeRequest): Promise<FreezeOutcome> {
    const { deps } = this;
    const now = request.now ?? new Date();
    const { bypass, ...options } = request;
    const { hotfix } = request;
    const checked = await checkFreeze(deps.gateway, deps.config, {
      ...options,
      ...(deps.privateGateway ? { privateGateway: deps.privateGateway } : {}),
      now,
    });
    const freezing = new Set(checked.freezing.map((i) => i.number));
    const claims = hotfix ? await honouredClaims(deps.authority, hotfix, (n) => freezing.has(n)) : [];
    const { decision, hotfixed } = withHotfix(checked, claims);
    if (hotfix && hotfixed.length > 0) await recordHotfix(await deps.service(), hotfixed, hotfix, now);
    const extra = { checked, ...(hotfixed.length > 0 ? { hotfixed } : {}) };
    if (!decision.frozen || !bypass) return { decision, ...extra };
    const service = await deps.service();
    const actor = bypass.actor ?? service.actor;
    const recorded = await recordBypass(service, decision, { ...bypass, actor, now });
    return {
      decision,
      ...extra,
      bypass: { actor, reason: stripControl(bypass.reason).trim(), recorded: recorded.length },
    };
  }
}
