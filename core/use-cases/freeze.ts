// The deploy freeze: whether active incidents stop a deploy now (one list request), why, and the audit record of a
// deliberate bypass on every incident that froze it. Drills never freeze.
import picomatch from 'picomatch';
import { findSeverity, type FirebreakConfig } from '../domain/config';
import { GitHubError, InputError } from '../domain/errors';
import { LEAD, type BypassEntry, type HotfixEntry, type Incident, type RepoRef } from '../domain/incident';
import type { IssueRecord } from '../domain/records';
import type { IncidentContext } from './incident-context';
import type { IssueGateway } from '../github/issue-gateway';
import type { UseCaseDeps } from './use-case';
import { incidentFromIssue } from '../domain/issue-view';
import { stripControl, userLine } from '../domain/markdown';
import { durationBetween } from '../domain/render';

export interface FreezeOptions {
  /** Severities that freeze; default: those with `freeze: true` in the config. */
  readonly severities?: readonly string[];
  /**
   * What is being deployed: service names, or paths that the config's service `paths` globs map to services.
   * Incidents that name other services only do not freeze it; incidents that name none freeze everything.
   */
  readonly services?: readonly string[];
  readonly now?: Date;
  /** The private repository's gateway: its incidents freeze too, and are never named. */
  readonly privateGateway?: IssueGateway;
  /**
   * When the private repository cannot be read (no access, not found): `fail` (default) throws, so the gate fails
   * closed; `warn` decides from the public incidents and says so in `privateWarning`.
   */
  readonly onPrivateError?: 'fail' | 'warn';
}

/**
 * A freezing incident of the private repository as every output shows it: severity, status and declaration time,
 * never its title, number, link or people. The incident itself is reachable only through `incident()` (to record
 * a bypass on it), which no renderer, serializer or template calls.
 */
export interface PrivateFreezing {
  /** "a private incident (severity major, declared 10:02 UTC)" */
  readonly label: string;
  readonly severity: string;
  readonly status: string;
  readonly declared: string;
  incident(): Incident;
}

/** The private repository could not be read: a fail-closed freeze stops here, naming only the repository. */
export class PrivateIncidentsUnreadable extends GitHubError {
  constructor(cause: GitHubError) {
    super(
      cause.code,
      `Could not read the private incidents: ${cause.message}`,
      cause.status,
      'Give the workflow a token that can read the private repository (issues: read), or set on-private-error: warn to decide without them.',
      { cause },
    );
    this.name = 'PrivateIncidentsUnreadable';
  }
}

export type IgnoredReason = 'drill' | 'request' | 'severity' | 'service' | 'resolved';

export interface FreezeDecision {
  readonly frozen: boolean;
  /** Active incidents of the incident repository that freeze this deploy, most severe first. */
  readonly freezing: readonly Incident[];
  /** Active private incidents that freeze it, most severe first: never named. */
  readonly privateFreezing: readonly PrivateFreezing[];
  /** Set when the private repository could not be read and `onPrivateError` is `warn`. */
  readonly privateWarning?: string;
  /** Active incidents that do not, and why. */
  readonly ignored: readonly { readonly incident: Incident; readonly reason: IgnoredReason }[];
  readonly severities: readonly string[];
  /** The services the deploy was scoped to (resolved from names and paths); empty means all. */
  readonly services: readonly string[];
  readonly checkedAt: string;
}

/** The freeze severities: the given list checked against the config, or the config's `freeze: true` ones. */
export function freezeSeverities(config: FirebreakConfig, given?: readonly string[]): string[] {
  if (given === undefined) return config.severities.filter((s) => s.freeze).map((s) => s.name);
  const names = given.map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !findSeverity(config, name));
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown freeze severit${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((s) => `"${s}"`).join(', ')}.`,
      `Use a comma list of: ${config.severities.map((s) => s.name).join(', ')} (configured in ${config.source}).`,
    );
  }
  return [...new Set(names)];
}

/**
 * Deploy services from names or paths. A name matches a configured service (any case); anything else is taken as
 * a path and matched against the services' `paths` globs. With no services configured, names are taken as given.
 */
export function resolveServices(config: FirebreakConfig, given: readonly string[]): string[] {
  const wanted = given.map((s) => s.trim()).filter(Boolean);
  if (config.services.length === 0) return [...new Set(wanted.map((s) => s.toLowerCase()))];
  const resolved = new Set<string>();
  const unknown: string[] = [];
  for (const value of wanted) {
    const byName = config.services.find((s) => s.name.toLowerCase() === value.toLowerCase());
    if (byName) {
      resolved.add(byName.name.toLowerCase());
      continue;
    }
    const path = value.replace(/^\.?\/+/, '');
    const byPath = config.services.filter((s) => s.paths.some((glob) => picomatch(glob, { dot: true })(path)));
    if (byPath.length === 0) unknown.push(value);
    byPath.forEach((s) => resolved.add(s.name.toLowerCase()));
  }
  if (unknown.length > 0) {
    throw new InputError(
      `${unknown.map((s) => `"${s}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} neither a configured service nor a path of one.`,
      `Use one of: ${config.services.map((s) => s.name).join(', ')} (configured in ${config.source}), or a path their \`paths\` globs match.`,
    );
  }
  return [...resolved];
}

function severityRank(config: FirebreakConfig, severity: string): number {
  const index = config.severities.findIndex((s) => s.name === severity);
  return index < 0 ? config.severities.length : index;
}

/** "10:02 UTC" today, "2026-11-29 10:02 UTC" on another day: when, without saying which incident. */
export function declaredAt(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return 'unknown time';
  const text = at.toISOString();
  const time = `${text.slice(11, 16)} UTC`;
  return text.slice(0, 10) === now.toISOString().slice(0, 10) ? time : `${text.slice(0, 10)} ${time}`;
}

function privateFreezing(incident: Incident, now: Date): PrivateFreezing {
  const declared = declaredAt(incident.timestamps.declared, now);
  return {
    label: `a private incident (severity ${incident.severity}, declared ${declared})`,
    severity: incident.severity,
    status: incident.status,
    declared,
    incident: () => incident,
  };
}

/**
 * Decides the freeze from the open incidents: one list request (more only past 100 open incidents), and one more
 * for the private repository when there is one (both at once).
 */
export async function checkFreeze(
  gateway: IssueGateway,
  config: FirebreakConfig,
  options: FreezeOptions = {},
): Promise<FreezeDecision> {
  return decideFreeze(config, await readFreezeIssues(gateway, config, options), options);
}

/** The open incident issues a freeze decides from: the incident repository's and the private one's. */
export interface FreezeIssues {
  readonly repo: RepoRef;
  readonly issues: readonly IssueRecord[];
  readonly privateRepo?: RepoRef;
  readonly privateIssues: readonly IssueRecord[];
  readonly privateWarning?: string;
}

/** Lists the open incidents: one request per repository (more only past 100), both at once. */
export async function readFreezeIssues(
  gateway: IssueGateway,
  config: FirebreakConfig,
  options: Pick<FreezeOptions, 'privateGateway' | 'onPrivateError' | 'severities' | 'services'> = {},
): Promise<FreezeIssues> {
  // Bad input is refused before anything is read.
  freezeSeverities(config, options.severities);
  resolveServices(config, options.services ?? []);
  const list = (g: IssueGateway) => g.listIssues({ labels: [config.labels.incident], state: 'open' });
  const privateGateway = options.privateGateway;
  const [issues, privateList] = await Promise.all([
    list(gateway),
    privateGateway
      ? list(privateGateway).then(
          (found) => ({ found }),
          (error: unknown) => ({ error }),
        )
      : undefined,
  ]);
  if (privateList && 'error' in privateList) {
    const error = privateList.error;
    // No access is what on-private-error is about; GitHub not answering is on-api-error's, as for the public list.
    const noAccess = error instanceof GitHubError && ['not-found', 'permission', 'auth'].includes(error.code);
    if (!noAccess) throw error;
    if (options.onPrivateError !== 'warn') throw new PrivateIncidentsUnreadable(error);
    return {
      repo: gateway.repo,
      issues,
      privateIssues: [],
      privateWarning: `Private incidents were not checked (on-private-error: warn): ${error.message}`,
    };
  }
  return {
    repo: gateway.repo,
    issues,
    ...(privateGateway ? { privateRepo: privateGateway.repo } : {}),
    privateIssues: privateList?.found ?? [],
  };
}

/** The decision from the open incident issues (pure): which freeze, which do not and why. */
export function decideFreeze(
  config: FirebreakConfig,
  read: FreezeIssues,
  options: Pick<FreezeOptions, 'severities' | 'services' | 'now'> = {},
): FreezeDecision {
  const now = options.now ?? new Date();
  const severities = freezeSeverities(config, options.severities);
  const services = resolveServices(config, options.services ?? []);
  const classify = (incident: Incident): IgnoredReason | undefined => {
    const named = incident.services.map((s) => s.trim().toLowerCase());
    if (incident.status === 'resolved') return 'resolved';
    if (incident.drill) return 'drill';
    // Whatever the triage severity is configured to do: nobody with write access has taken it yet.
    if (incident.request) return 'request';
    if (!severities.includes(incident.severity)) return 'severity';
    if (services.length > 0 && named.length > 0 && !named.some((s) => services.includes(s))) return 'service';
    return undefined;
  };
  const bySeverity = (a: Incident, b: Incident) =>
    severityRank(config, a.severity) - severityRank(config, b.severity) ||
    Date.parse(a.timestamps.declared) - Date.parse(b.timestamps.declared);
  const freezing: Incident[] = [];
  const ignored: { incident: Incident; reason: IgnoredReason }[] = [];
  for (const issue of read.issues) {
    const incident = incidentFromIssue({ repo: read.repo, issue, config });
    const reason = classify(incident);
    if (reason) ignored.push({ incident, reason });
    else freezing.push(incident);
  }
  // Private incidents that do not freeze are not listed at all: even "ignored" would name them.
  const privateRepo = read.privateRepo;
  const privates = privateRepo
    ? read.privateIssues
        .map((issue) => incidentFromIssue({ repo: privateRepo, issue, config }))
        .filter((incident) => classify(incident) === undefined)
        .sort(bySeverity)
    : [];
  freezing.sort(bySeverity);
  return {
    frozen: freezing.length + privates.length > 0,
    freezing,
    privateFreezing: privates.map((incident) => privateFreezing(incident, now)),
    ...(read.privateWarning ? { privateWarning: read.privateWarning } : {}),
    ignored,
    severities,
    services,
    checkedAt: now.toISOString(),
  };
}

/** What the outputs and the job summary say about an incident. */
export interface IncidentSummary {
  readonly number: number;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly url: string;
  readonly lead: string;
  readonly age: string;
  readonly drill: boolean;
  readonly services: readonly string[];
  /** A request nobody with write access has taken yet: its lead is its author, not someone to page. */
  readonly request?: boolean;
}

export function summarizeIncident(incident: Incident, now: Date): IncidentSummary {
  return {
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    url: incident.url,
    lead: incident.roles[LEAD] ?? incident.declaredBy,
    age: durationBetween(incident.timestamps.declared, now.toISOString()) ?? '0m',
    drill: incident.drill,
    services: incident.services,
    ...(incident.request ? { request: true } : {}),
  };
}

/** What the `incidents` output says of one freezing incident: a private one only as severity, status and time. */
export type FreezingOutput =
  | Pick<IncidentSummary, 'number' | 'title' | 'severity' | 'url' | 'lead' | 'age'>
  | { readonly private: true; readonly severity: string; readonly declared: string; readonly age: string };

export function freezingOutputs(decision: FreezeDecision, now: Date): FreezingOutput[] {
  return [
    ...decision.freezing.map((incident) => {
      const { number, title, severity, url, lead, age } = summarizeIncident(incident, now);
      return { number, title, severity, url, lead, age };
    }),
    ...decision.privateFreezing.map((p) => ({
      private: true as const,
      severity: p.severity,
      declared: p.declared,
      age: durationBetween(p.incident().timestamps.declared, now.toISOString()) ?? '0m',
    })),
  ];
}

/** One line naming what freezes: "#12 (critical, lead @octo), a private incident (severity major, …)". */
export function freezingList(decision: FreezeDecision, now: Date): string {
  return [
    ...decision.freezing.map((incident) => {
      const s = summarizeIncident(incident, now);
      return `#${s.number} (${s.severity}, lead @${s.lead})`;
    }),
    ...decision.privateFreezing.map((p) => p.label),
  ].join(', ');
}

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

export interface FreezeReportInput {
  readonly decision: FreezeDecision;
  readonly now: Date;
  /** Set when the deploy went ahead anyway. */
  readonly bypass?: { readonly actor: string; readonly reason: string; readonly recorded: number };
  /** How to bypass, in the words of the edge (workflow inputs, CLI flags). */
  readonly bypassHint: string;
  /** Freezing incidents the change fixes or mitigates (the hotfix lane). */
  readonly hotfixed?: readonly { readonly incident: Incident; readonly verb: HotfixVerb }[];
}

const REASON_TEXT: Readonly<Record<IgnoredReason, string>> = {
  drill: 'a drill (drills never freeze)',
  request: 'a request from someone without write access, not taken yet',
  severity: 'severity does not freeze',
  service: 'affects other services only',
  resolved: 'resolved',
};

/** The Markdown that explains a freeze decision: which incidents, their severity and lead, and how to bypass. */
export function renderFreezeReport(input: FreezeReportInput): string {
  const { decision, now } = input;
  const row = (incident: Incident, extra = '') => {
    const s = summarizeIncident(incident, now);
    return `| [#${s.number}](${s.url}) ${userLine(s.title, 120)} | \`${s.severity}\` | ${s.status} | @${s.lead} | ${s.age} |${extra}`;
  };
  const privateRow = (p: PrivateFreezing) =>
    `| ${p.label.replace(/^a/, 'A')} | \`${p.severity}\` | ${p.status} | (private) | ${durationBetween(p.incident().timestamps.declared, now.toISOString()) ?? '0m'} |`;
  const scope = decision.services.length > 0 ? ` for ${decision.services.map((s) => `\`${s}\``).join(', ')}` : '';
  const severities = decision.severities.length > 0 ? decision.severities.map((s) => `\`${s}\``).join(', ') : '_none_';
  const lines: string[] = [];
  if (!decision.frozen) {
    lines.push(
      `## ✅ Deploys are not frozen${scope}`,
      '',
      `No active incident with a freezing severity (${severities}) affects this deploy.`,
    );
  } else if (input.bypass) {
    lines.push(
      `## ⛔ Deploy freeze bypassed${scope}`,
      '',
      `@${input.bypass.actor} deployed during a freeze. Reason: ${userLine(input.bypass.reason, 500)}`,
      '',
      `The bypass is recorded on ${input.bypass.recorded} incident${input.bypass.recorded === 1 ? '' : 's'}:`,
    );
  } else {
    const count = decision.freezing.length + decision.privateFreezing.length;
    lines.push(
      `## 🧊 Deploys are frozen${scope}`,
      '',
      `${count} active incident${count === 1 ? '' : 's'} with a freezing severity (${severities}) ${count === 1 ? 'affects' : 'affect'} this deploy. ` +
        'Deploying now could make things worse or hide the cause; the freeze ends by itself when the incidents are resolved or downgraded.',
    );
  }
  if (decision.freezing.length + decision.privateFreezing.length > 0) {
    lines.push(
      '',
      '| Incident | Severity | Status | Lead | Age |',
      '|---|---|---|---|---|',
      ...decision.freezing.map((i) => row(i)),
      ...decision.privateFreezing.map(privateRow),
    );
  }
  if (input.hotfixed && input.hotfixed.length > 0) {
    lines.push(
      '',
      '### Hotfix lane',
      '',
      'This change says it fixes or mitigates these incidents, so their freeze does not stop it (recorded on their timelines):',
      '',
      ...input.hotfixed.map(
        ({ incident, verb }) => `- [#${incident.number}](${incident.url}) ${userLine(incident.title, 120)} (${verb})`,
      ),
    );
  }
  if (decision.privateWarning) lines.push('', `> ⚠️ ${decision.privateWarning}`);
  if (decision.frozen && !input.bypass) {
    lines.push(
      '',
      '### How to deploy anyway',
      '',
      input.bypassHint,
      '',
      'Ask the incident lead first: they may be relying on the system staying as it is.',
    );
  }
  if (decision.ignored.length > 0) {
    lines.push(
      '',
      '<details><summary>Active incidents that do not freeze this deploy</summary>',
      '',
      '| Incident | Severity | Status | Lead | Age | Why not |',
      '|---|---|---|---|---|---|',
      ...decision.ignored.map(({ incident, reason }) => row(incident, ` ${REASON_TEXT[reason]} |`)),
      '',
      '</details>',
    );
  }
  lines.push('', `_Checked ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC by Firebreak._`);
  return `${lines.join('\n')}\n`;
}

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

export interface FreezeRequest extends FreezeOptions {
  /** Deploy anyway: recorded on every freezing incident. Without an actor, the service's actor bypasses. */
  readonly bypass?: Omit<BypassInput, 'now' | 'actor'> & { readonly actor?: string };
  /** The change claims to fix incidents: those pass (hotfix lane), recorded on their timelines. */
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
    const claims = hotfix
      ? [...hotfixClaims(hotfix.text), ...(hotfix.numbers ?? []).map((number) => ({ number, verb: 'fixes' as const }))]
      : [];
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
