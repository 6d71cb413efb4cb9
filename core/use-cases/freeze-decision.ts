// The freeze decision: whether active incidents stop a deploy now (one list request per repository), and why.
// Drills never freeze; private incidents freeze without ever being named.
import picomatch from 'picomatch';
import { findSeverity, type FirebreakConfig } from '../domain/config';
import { GitHubError, InputError } from '../domain/errors';
import type { Incident, RepoRef } from '../domain/incident';
import type { IssueRecord } from '../domain/records';
import type { IssueGateway } from '../github/issue-gateway';
import { incidentFromIssue } from '../domain/issue-view';
import type { Authority } from '../authority';
import type { Trust } from '../domain/trust';
import { authorityFor, trustForIssues } from './writers';

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
  /** Who may act (GitHub's permission), shared by the run; made over the gateways when absent. */
  readonly authority?: Authority;
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
  /** Who may write to each repository, among the issues' authors: only their bodies give state (see event-log.ts). */
  readonly trust: Trust;
  readonly privateTrust: Trust;
}

/** A permission lookup that fails fails the check: reading a declared incident as a request would unfreeze. */
const FAIL_CLOSED = { failClosed: true } as const;

/** Lists the open incidents: one request per repository (more only past 100), both at once. */
export async function readFreezeIssues(
  gateway: IssueGateway,
  config: FirebreakConfig,
  options: Pick<FreezeOptions, 'privateGateway' | 'onPrivateError' | 'severities' | 'services' | 'authority'> = {},
): Promise<FreezeIssues> {
  // Bad input is refused before anything is read.
  freezeSeverities(config, options.severities);
  resolveServices(config, options.services ?? []);
  const list = (g: IssueGateway) => g.listIssues({ labels: [config.labels.incident], state: 'open' });
  const privateGateway = options.privateGateway;
  const authority = authorityFor({ ...options, gateway });
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
      trust: await trustForIssues(authority, gateway.repo, issues, FAIL_CLOSED),
      privateTrust: await trustForIssues(authority, gateway.repo, []),
    };
  }
  const privateIssues = privateList?.found ?? [];
  const [trust, privateTrust] = await Promise.all([
    trustForIssues(authority, gateway.repo, issues, FAIL_CLOSED),
    trustForIssues(authority, privateGateway?.repo ?? gateway.repo, privateIssues, FAIL_CLOSED),
  ]);
  return {
    repo: gateway.repo,
    issues,
    ...(privateGateway ? { privateRepo: privateGateway.repo } : {}),
    privateIssues,
    trust,
    privateTrust,
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
    const incident = incidentFromIssue({ repo: read.repo, issue, config }, read.trust);
    const reason = classify(incident);
    if (reason) ignored.push({ incident, reason });
    else freezing.push(incident);
  }
  // Private incidents that do not freeze are not listed at all: even "ignored" would name them.
  const privateRepo = read.privateRepo;
  const privates = privateRepo
    ? read.privateIssues
        .map((issue) => incidentFromIssue({ repo: privateRepo, issue, config }, read.privateTrust))
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
