// Loads and validates `.github/incidents.yml`. Every field is optional; errors name the file, line and field and
// say what is allowed.
import { isMap, isScalar, LineCounter, parseDocument, visit, type Alias, type Node as YamlNode } from 'yaml';
// A namespace import lets esbuild drop the parts of zod we do not use (the named `z` export keeps all of it).
import * as z from 'zod';
import { ConfigError, InputError, type ConfigProblem } from './errors';
import { LEAD, TRIAGE, type RepoRef } from './incident';

export const DEFAULT_CONFIG_PATH = '.github/incidents.yml';

export interface SeverityConfig {
  readonly name: string;
  readonly description: string;
  /** Label color, six hex digits without `#`. */
  readonly color: string;
  /** Whether an active incident of this severity freezes deploys. */
  readonly freeze: boolean;
  /** How often an update is expected, in minutes. */
  readonly updateEveryMinutes: number;
}

export interface RoleConfig {
  readonly name: string;
  readonly description: string;
}

export interface ServiceConfig {
  readonly name: string;
  readonly paths: readonly string[];
  readonly owners: readonly string[];
}

export interface LabelConfig {
  readonly incident: string;
  readonly severityPrefix: string;
  readonly statusPrefix: string;
  readonly rolePrefix: string;
  readonly drill: string;
  readonly followUp: string;
}

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
}

export const DEFAULT_SEVERITIES: readonly SeverityConfig[] = [
  {
    name: 'critical',
    description: 'Outage, data loss or security breach. Deploys freeze; updates every 30 minutes.',
    color: 'b60205',
    freeze: true,
    updateEveryMinutes: 30,
  },
  {
    name: 'major',
    description: 'Significant customer impact or a key feature degraded. Deploys freeze; updates about hourly.',
    color: 'd93f0b',
    freeze: true,
    updateEveryMinutes: 60,
  },
  {
    name: 'minor',
    description: 'Limited impact, a workaround exists, no data loss. No freeze; updates every few hours.',
    color: 'fbca04',
    freeze: false,
    updateEveryMinutes: 240,
  },
];

export const TRIAGE_SEVERITY: SeverityConfig = {
  name: TRIAGE,
  description: 'Declared; impact not yet assessed. Set a severity as soon as you know more.',
  color: 'c5def5',
  freeze: false,
  updateEveryMinutes: 60,
};

export const DEFAULT_ROLES: readonly RoleConfig[] = [
  { name: LEAD, description: 'Incident lead: coordinates, decides and delegates. Always staffed.' },
  { name: 'comms', description: 'Comms lead: keeps stakeholders informed on the agreed cadence.' },
  { name: 'scribe', description: 'Scribe: keeps the timeline complete.' },
];

export const DEFAULT_LABELS: LabelConfig = {
  incident: 'incident',
  severityPrefix: 'severity:',
  statusPrefix: 'status:',
  rolePrefix: 'role:',
  drill: 'drill',
  followUp: 'follow-up',
};

export function defaultConfig(): FirebreakConfig {
  return {
    source: 'defaults',
    severities: [...DEFAULT_SEVERITIES, TRIAGE_SEVERITY],
    roles: DEFAULT_ROLES,
    services: [],
    labels: DEFAULT_LABELS,
  };
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
const REPO = /^[A-Za-z0-9-_.]+\/[A-Za-z0-9-_.]+$/;
const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/;

/** `30m`, `1h`, `1h30m`, `2d` -> minutes; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m] = match;
  const minutes = Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0);
  return minutes > 0 ? minutes : undefined;
}

export function formatDuration(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', rest ? `${rest}m` : ''].join('') || '0m';
}

const name = (what: string) =>
  z
    .string({ error: `${what} must be a text` })
    .regex(NAME, `${what} may use letters, digits, '.', '_' and '-' only, and must start with a letter or digit`);

const severitySchema = z
  .object({
    name: name('a severity name'),
    description: z.string({ error: 'description must be a text' }).optional(),
    color: z
      .string({ error: 'color must be a text like "d93f0b"' })
      .regex(/^#?[0-9a-fA-F]{6}$/, 'color must be six hex digits, like "d93f0b"')
      .optional(),
    freeze: z.boolean({ error: 'freeze must be true or false' }).optional(),
    'update-every': z
      .string({ error: 'update-every must be a duration like "30m", "1h" or "4h"' })
      .refine((v) => parseDuration(v) !== undefined, 'update-every must be a duration like "30m", "1h" or "4h"')
      .optional(),
  })
  .strict();

const roleSchema = z
  .object({
    name: name('a role name'),
    description: z.string({ error: 'description must be a text' }).optional(),
  })
  .strict();

const serviceSchema = z
  .object({
    paths: z.array(z.string({ error: 'each path must be a text (a glob like "src/checkout/**")' }), {
      error: 'paths must be a list of globs',
    }),
    owners: z
      .array(z.string().regex(/^@?[A-Za-z0-9-]+(\/[A-Za-z0-9-_.]+)?$/, 'an owner is a GitHub login or @org/team'), {
        error: 'owners must be a list of logins or @org/team names',
      })
      .optional(),
  })
  .strict();

const labelsSchema = z
  .object({
    incident: z.string().min(1).optional(),
    'severity-prefix': z.string().min(1).optional(),
    'status-prefix': z.string().min(1).optional(),
    'role-prefix': z.string().min(1).optional(),
    drill: z.string().min(1).optional(),
    'follow-up': z.string().min(1).optional(),
  })
  .strict();

const configSchema = z
  .object({
    repository: z
      .string({ error: 'repository must be "owner/name"' })
      .regex(REPO, 'repository must be "owner/name"')
      .optional(),
    'private-repository': z
      .string({ error: 'private-repository must be "owner/name"' })
      .regex(REPO, 'private-repository must be "owner/name"')
      .optional(),
    severities: z
      .array(severitySchema, {
        error: 'severities must be a list of { name, description, color, freeze, update-every }',
      })
      .min(1, 'severities needs at least one entry')
      .max(8, 'keep severities to a few levels (at most 8)')
      .optional(),
    roles: z.array(roleSchema, { error: 'roles must be a list of { name, description }' }).optional(),
    services: z
      .record(name('a service name'), serviceSchema, { error: 'services must map a service name to { paths, owners }' })
      .optional(),
    labels: labelsSchema.optional(),
    templates: z.string({ error: 'templates must be a directory path' }).optional(),
  })
  .strict();

type RawConfig = z.infer<typeof configSchema>;

function toRepo(slug: string | undefined): RepoRef | undefined {
  if (!slug) return undefined;
  const [owner, repoName] = slug.split('/') as [string, string];
  return { owner, name: repoName };
}

export function parseRepo(slug: string): RepoRef | undefined {
  return REPO.test(slug.trim()) ? toRepo(slug.trim()) : undefined;
}

/** Parses and validates config text. Empty text means defaults. Throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string = DEFAULT_CONFIG_PATH): FirebreakConfig {
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
        message: 'the file must be a mapping of keys (repository, severities, roles, services, labels, templates)',
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
  return normalize(result.data, file, doc, at);
}

function normalize(
  raw: RawConfig,
  file: string,
  doc: ReturnType<typeof parseDocument>,
  at: (offset: number | undefined) => { line: number; column: number },
): FirebreakConfig {
  const problems: ConfigProblem[] = [];
  const severities: SeverityConfig[] = (raw.severities ?? DEFAULT_SEVERITIES.map(toRaw)).map((s) => {
    const known = [...DEFAULT_SEVERITIES, TRIAGE_SEVERITY].find((d) => d.name === s.name);
    return {
      name: s.name,
      description: s.description ?? known?.description ?? `Severity ${s.name}.`,
      color: (s.color ?? known?.color ?? 'ededed').replace(/^#/, '').toLowerCase(),
      freeze: s.freeze ?? known?.freeze ?? false,
      updateEveryMinutes: parseDuration(s['update-every'] ?? '') ?? known?.updateEveryMinutes ?? 60,
    };
  });
  duplicates(severities.map((s) => s.name)).forEach((dup) =>
    problems.push({
      file,
      ...at(nodeOffset(doc, ['severities'])),
      field: 'severities',
      message: `severity "${dup}" is listed twice`,
    }),
  );
  if (!severities.some((s) => s.name === TRIAGE)) severities.push(TRIAGE_SEVERITY);

  const configured = raw.roles ?? DEFAULT_ROLES.filter((r) => r.name !== LEAD);
  const roles: RoleConfig[] = [
    configured.find((r) => r.name === LEAD)?.description
      ? { name: LEAD, description: configured.find((r) => r.name === LEAD)?.description ?? '' }
      : (DEFAULT_ROLES[0] as RoleConfig),
    ...configured
      .filter((r) => r.name !== LEAD)
      .map((r) => ({
        name: r.name,
        description: r.description ?? DEFAULT_ROLES.find((d) => d.name === r.name)?.description ?? `Role ${r.name}.`,
      })),
  ];
  duplicates(roles.map((r) => r.name)).forEach((dup) =>
    problems.push({
      file,
      ...at(nodeOffset(doc, ['roles'])),
      field: 'roles',
      message: `role "${dup}" is listed twice`,
    }),
  );
  if (problems.length > 0) throw new ConfigError(problems);

  const labels = raw.labels ?? {};
  const repository = toRepo(raw.repository);
  const privateRepository = toRepo(raw['private-repository']);
  return {
    source: file,
    ...(repository ? { repository } : {}),
    ...(privateRepository ? { privateRepository } : {}),
    severities,
    roles,
    services: Object.entries(raw.services ?? {}).map(([serviceName, s]) => ({
      name: serviceName,
      paths: s.paths,
      owners: (s.owners ?? []).map((o) => (o.startsWith('@') ? o.slice(1) : o)),
    })),
    labels: {
      incident: labels.incident ?? DEFAULT_LABELS.incident,
      severityPrefix: labels['severity-prefix'] ?? DEFAULT_LABELS.severityPrefix,
      statusPrefix: labels['status-prefix'] ?? DEFAULT_LABELS.statusPrefix,
      rolePrefix: labels['role-prefix'] ?? DEFAULT_LABELS.rolePrefix,
      drill: labels.drill ?? DEFAULT_LABELS.drill,
      followUp: labels['follow-up'] ?? DEFAULT_LABELS.followUp,
    },
    ...(raw.templates ? { templates: raw.templates } : {}),
  };
}

function toRaw(s: SeverityConfig) {
  return {
    name: s.name,
    description: s.description,
    color: s.color,
    freeze: s.freeze,
    'update-every': `${s.updateEveryMinutes}m`,
  };
}

export function findSeverity(config: FirebreakConfig, severityName: string): SeverityConfig | undefined {
  return config.severities.find((s) => s.name === severityName);
}

/** The severity, or a clear error listing what is allowed. */
export function requireSeverity(config: FirebreakConfig, severityName: string): SeverityConfig {
  const found = findSeverity(config, severityName.trim().toLowerCase());
  if (!found) {
    throw new InputError(
      `Unknown severity "${severityName}".`,
      `Use one of: ${config.severities.map((s) => s.name).join(', ')} (configured in ${config.source}).`,
    );
  }
  return found;
}

export function requireRole(config: FirebreakConfig, roleName: string): RoleConfig {
  const found = config.roles.find((r) => r.name === roleName.trim().toLowerCase());
  if (!found) {
    throw new InputError(
      `Unknown role "${roleName}".`,
      `Use one of: ${config.roles.map((r) => r.name).join(', ')} (configured in ${config.source}).`,
    );
  }
  return found;
}

function duplicates(names: string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

function nodeOffset(doc: ReturnType<typeof parseDocument>, path: string[]): number | undefined {
  return (doc.getIn(path, true) as YamlNode | undefined)?.range?.[0];
}

/** The first alias that does not resolve, else the first alias: where an alias problem starts. */
function firstAlias(doc: ReturnType<typeof parseDocument>): Alias | undefined {
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

function findKeyNode(parent: unknown, key: string): YamlNode | undefined {
  if (!isMap(parent)) return undefined;
  for (const item of parent.items) {
    if (isScalar(item.key) && String(item.key.value) === key) return item.key;
  }
  return undefined;
}

function allowedKeys(path: (string | number)[]): string[] {
  const last = path.filter((p) => typeof p === 'string');
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path[0] === 'severities') return Object.keys(severitySchema.shape);
  if (path[0] === 'roles') return Object.keys(roleSchema.shape);
  if (path[0] === 'services') return Object.keys(serviceSchema.shape);
  if (path[0] === 'labels') return Object.keys(labelsSchema.shape);
  return last;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
