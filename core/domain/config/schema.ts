// The one schema entry point for `.github/incidents.yml`: composes the sections (one module each), parses the YAML
// and places every problem at its file, line and field. A new section is a new module plus one key here.
import { LineCounter, parseDocument, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import * as z from 'zod';
import { ConfigError, type ConfigProblem } from '../errors';
import type { RepoRef } from '../incident';
import { alertRouteSchema, alertsSchema, normalizeAlerts, type AlertsConfig } from './alerts';
import { deploymentsSchema, normalizeDeployments, type DeploymentsConfig } from './deployments';
import { slackConfigOf, slackSchema, type SlackConfig } from './slack';
import { DEFAULT_LABELS, labelsSchema, normalizeLabels, type LabelConfig } from './labels';
import { normalizeRepositories, privateRepositorySchema, repositorySchema } from './repositories';
import { DEFAULT_ROLES, normalizeRoles, roleSchema, rolesSchema, type RoleConfig } from './roles';
import {
  checkEnvironments,
  environmentsSchema,
  normalizeServices,
  serviceSchema,
  servicesSchema,
  type ServiceConfig,
} from './services';
import {
  DEFAULT_SEVERITIES,
  normalizeSeverities,
  severitiesSchema,
  severitySchema,
  TRIAGE_SEVERITY,
  type SeverityConfig,
} from './severities';
import type { SectionContext } from './shared';
import { checkStatusPage, findKeyNode, statusPageConfig, statusPageSchema, type StatusPageConfig } from './status-page';
import {
  DEFAULT_TIMELINE_REACTION,
  normalizeTimelineReaction,
  timelineReactionSchema,
  type Reaction,
} from './timeline-reaction';

export const DEFAULT_CONFIG_PATH = '.github/incidents.yml';

export interface FirebreakConfig {
  /** Where the config came from (a path, or `defaults`). */
  readonly source: string;
  readonly repository?: RepoRef;
  readonly privateRepository?: RepoRef;
  /** Ordered, most severe first; always ends with `triage` unless the file placed it elsewhere. */
  readonly severities: readonly SeverityConfig[];
  /** `lead` first, then the configured roles. */
  readonly roles: readonly RoleConfig[];
  readonly services: readonly ServiceConfig[];
  readonly labels: LabelConfig;
  /** Directory (relative to the repository root) whose *.hbs files override the built-in templates. */
  readonly templates?: string;
  /** The reaction that adds a discussion comment to the timeline; undefined when switched off (`none`). */
  readonly timelineReaction?: Reaction;
  /** The public status page; absent in configs built by hand (then `statusPageConfig` gives the defaults). */
  readonly statusPage?: StatusPageConfig;
  /** How alerts from monitoring become incidents (`firebreak serve`, the Action's `mode: alert`). */
  readonly alerts: AlertsConfig;
  /**
   * Environment name (any case) -> the services deploying there: only their incidents (and incidents naming no
   * service) freeze it. Environments not listed are frozen by every freezing incident.
   */
  readonly environments?: Readonly<Record<string, readonly string[]>>;
  /** Absent in configs built by hand: then `whileFrozen: reject` and the incident repository. */
  readonly deployments?: DeploymentsConfig;
  /** Slack: who is who (core/chat/); absent when the file has no `slack:` section. */
  readonly slack?: SlackConfig;
}

export function defaultConfig(): FirebreakConfig {
  return {
    source: 'defaults',
    severities: [...DEFAULT_SEVERITIES, TRIAGE_SEVERITY],
    roles: DEFAULT_ROLES,
    services: [],
    labels: DEFAULT_LABELS,
    timelineReaction: DEFAULT_TIMELINE_REACTION,
    alerts: { routes: [] },
  };
}

/** Larger config files are refused before parsing: YAML parsing time grows faster than the file. */
export const CONFIG_MAX_BYTES = 256 * 1024;

export function configTooLarge(file: string, size: number): ConfigError {
  const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
  return new ConfigError([
    {
      file,
      line: 1,
      column: 1,
      field: '',
      message: `the file is ${kb(size)}; an incident config is at most ${kb(CONFIG_MAX_BYTES)} (is this the right file?)`,
    },
  ]);
}

const configSchema = z
  .object({
    repository: repositorySchema.optional(),
    'private-repository': privateRepositorySchema.optional(),
    severities: severitiesSchema.optional(),
    roles: rolesSchema.optional(),
    services: servicesSchema.optional(),
    labels: labelsSchema.optional(),
    templates: z.string({ error: 'templates must be a directory path' }).optional(),
    'timeline-reaction': timelineReactionSchema.optional(),
    'status-page': statusPageSchema.optional(),
    alerts: alertsSchema.optional(),
    environments: environmentsSchema.optional(),
    deployments: deploymentsSchema.optional(),
    slack: slackSchema.optional(),
  })
  .strict();

type RawConfig = z.infer<typeof configSchema>;

/** Parses and validates config text. Empty text means defaults. Throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string = DEFAULT_CONFIG_PATH): FirebreakConfig {
  if (text.length > CONFIG_MAX_BYTES) throw configTooLarge(file, text.length);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, ...at(e.pos[0]), field: '', message: `invalid YAML: ${firstLine(e.message)}` })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // Aliases resolve only here: one to a missing anchor, or an alias bomb, is a mistake in the file, not a crash.
    throw new ConfigError([
      {
        file,
        ...at(firstAlias(doc)?.range?.[0]),
        field: '',
        message: `invalid YAML: ${firstLine((error as Error).message)}`,
      },
    ]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([
      {
        file,
        line: 1,
        column: 1,
        field: '',
        message:
          'the file must be a mapping of keys (repository, severities, roles, services, labels, templates, status-page)',
      },
    ]);
  }
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const problems: ConfigProblem[] = result.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      let node = doc.getIn(path, true) as YamlNode | undefined;
      let field = formatPath(path);
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        const key = issue.keys[0] ?? '';
        node = findKeyNode(doc.getIn(path, true) ?? (path.length === 0 ? doc.contents : undefined), key) ?? node;
        field = formatPath([...path, key]);
        message = `unknown key "${key}"; allowed here: ${allowedKeys(path).join(', ')}`;
      }
      return { file, ...at(node?.range?.[0]), field, message };
    });
    throw new ConfigError(problems);
  }
  return normalize(result.data, { file, doc, at, problems: [] });
}

/** Each section in turn, in the file's order of concerns; every problem is collected before one error is thrown. */
function normalize(raw: RawConfig, ctx: SectionContext): FirebreakConfig {
  const severities = normalizeSeverities(raw.severities, ctx);
  const roles = normalizeRoles(raw.roles, ctx);
  const labels = normalizeLabels(raw.labels, ctx);
  const repositories = normalizeRepositories(raw, ctx);
  checkStatusPage(raw['status-page'], severities, ctx);
  const services = Object.keys(raw.services ?? {});
  const alerts = normalizeAlerts(raw.alerts, severities, services, ctx);
  checkEnvironments(raw.environments, services, ctx);
  if (ctx.problems.length > 0) throw new ConfigError(ctx.problems);
  return {
    source: ctx.file,
    ...repositories,
    severities,
    roles,
    services: normalizeServices(raw.services),
    labels,
    ...(raw.templates ? { templates: raw.templates } : {}),
    ...normalizeTimelineReaction(raw['timeline-reaction']),
    statusPage: statusPageConfig({ severities }, raw['status-page']),
    alerts,
    ...(raw.environments ? { environments: raw.environments } : {}),
    deployments: normalizeDeployments(raw.deployments),
    ...slackConfigOf(raw.slack),
  };
}

/** The first alias that does not resolve, else the first alias: where an alias problem starts. */
function firstAlias(doc: Document): Alias | undefined {
  let first: Alias | undefined;
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      first ??= node;
      if (!node.resolve(doc)) {
        unresolved = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first;
}

function allowedKeys(path: (string | number)[]): string[] {
  const last = path.filter((p) => typeof p === 'string');
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path[0] === 'severities') return Object.keys(severitySchema.shape);
  if (path[0] === 'roles') return Object.keys(roleSchema.shape);
  if (path[0] === 'services') return Object.keys(serviceSchema.shape);
  if (path[0] === 'labels') return Object.keys(labelsSchema.shape);
  if (path[0] === 'status-page') return Object.keys(statusPageSchema.shape);
  if (path[0] === 'deployments') return Object.keys(deploymentsSchema.shape);
  if (path[0] === 'slack') return Object.keys(slackSchema.shape);
  if (path[0] === 'alerts') return Object.keys(path.length > 1 ? alertRouteSchema.shape : alertsSchema.shape);
  return last;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
