// Loads and validates `.github/incidents.yml`. Every field is optional; errors name the file, line and field and
// say what is allowed.
import { slackConfigOf, slackSchema, type SlackConfig } from './config-slack';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Alias, type Node as YamlNode } from 'yaml';
// A namespace import lets esbuild drop the parts of zod we do not use (the named `z` export keeps all of it).
import * as z from 'zod';
import { rollbackWorkflowSchema } from './config-rollback';
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
  /** Nudge the lead when nobody holds `comms` this many minutes after declaring; undefined: never. */
  readonly commsWithinMinutes?: number;
  /** The retro is due this many minutes after resolving; undefined: no retro is expected. */
  readonly retroWithinMinutes?: number;
  /** Whether Post Update offers to publish on the status page by default for incidents of this severity. */
  readonly publicByDefault?: boolean;
}

export interface RoleConfig {
  readonly name: string;
  readonly description: string;
}

export interface ServiceConfig {
  readonly name: string;
  readonly paths: readonly string[];
  readonly owners: readonly string[];
  /** A component of the status page. */
  readonly public?: boolean;
  /** The component's name on the status page, if not the service name. */
  readonly displayName?: string;
}

/** Component statuses an incident can cause, least severe first (Atlassian Statuspage's names). */
export const COMPONENT_IMPACTS = ['degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentImpact = (typeof COMPONENT_IMPACTS)[number];

export interface StatusPageConfig {
  /** The page's name; the Action's `title` input wins. */
  readonly title?: string;
  /** A logo file in the repository, copied next to the pages. */
  readonly logo?: string;
  /** The accent colour, `#rrggbb`. */
  readonly color: string;
  /** Severity -> what an active incident of it does to its components. */
  readonly impact: Readonly<Record<string, ComponentImpact>>;
}

export const DEFAULT_STATUS_PAGE_COLOR = '#0b6bcb';

export interface LabelConfig {
  readonly incident: string;
  readonly severityPrefix: string;
  readonly statusPrefix: string;
  readonly rolePrefix: string;
  readonly drill: string;
  readonly followUp: string;
  /** On incidents whose timeline has an entry with a code reference: what `mode: review` and history list. */
  readonly code: string;
}

export type AlertAction = 'declare' | 'attach' | 'ignore';
export const ALERT_ACTIONS: readonly AlertAction[] = ['declare', 'attach', 'ignore'];

/** A route for incoming alerts: the first whose `match` fits an alert decides what it does. */
export interface AlertRoute {
  /** Alert label or field (`source`, `title`, `severity`, `service`, any label) -> value; `*` matches any text. */
  readonly match: Readonly<Record<string, string>>;
  readonly service?: string;
  readonly severity?: string;
  /** `declare` (default), `attach` (an observation on the service's active incident, else declare) or `ignore`. */
  readonly action: AlertAction;
  /** A resolved alert resolves its incident, unless a person has acted on it. */
  readonly autoResolve: boolean;
}

export interface AlertsConfig {
  readonly routes: readonly AlertRoute[];
}

export type WhileFrozen = 'reject' | 'hold';
export const WHILE_FROZEN: readonly WhileFrozen[] = ['reject', 'hold'];

/** How `firebreak serve`, as a GitHub App custom deployment protection rule, answers deployments. */
export interface DeploymentsConfig {
  /** While incidents freeze an environment: reject the deployment (default), or leave it waiting until they end. */
  readonly whileFrozen: WhileFrozen;
  /** Where held deployments wait (owner/name); empty: the incident repository. */
  readonly repositories: readonly RepoRef[];
  /** The workflow file `firebreak rollback` dispatches (input `ref`), from `rollback-workflow`. */
  readonly rollbackWorkflow?: string;
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

/** GitHub's reaction set, as the REST API names it. */
export const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'] as const;
export type Reaction = (typeof REACTIONS)[number];
export const DEFAULT_TIMELINE_REACTION: Reaction = 'rocket';
/** Major-or-worse incidents get a comms lead within this time unless configured otherwise. */
export const DEFAULT_COMMS_WITHIN_MINUTES = 10;
/** Seed practice: no more than 2-3 days between resolution and the retro. */
export const DEFAULT_RETRO_WITHIN_MINUTES = 3 * 1440;

export const DEFAULT_SEVERITIES: readonly SeverityConfig[] = [
  {
    name: 'critical',
    description: 'Outage, data loss or security breach. Deploys freeze; updates every 30 minutes.',
    color: 'b60205',
    freeze: true,
    updateEveryMinutes: 30,
    commsWithinMinutes: 10,
    retroWithinMinutes: 3 * 1440,
  },
  {
    name: 'major',
    description: 'Significant customer impact or a key feature degraded. Deploys freeze; updates about hourly.',
    color: 'd93f0b',
    freeze: true,
    updateEveryMinutes: 60,
    commsWithinMinutes: 10,
    retroWithinMinutes: 3 * 1440,
  },
  {
    name: 'minor',
    description: 'Limited impact, a workaround exists, no data loss. No freeze; updates every few hours.',
    color: 'fbca04',
    freeze: false,
    updateEveryMinutes: 240,
    retroWithinMinutes: 3 * 1440,
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
  code: 'incident:code',
};

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

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
// GitHub's rules: an owner is letters and digits with single hyphens between them (at most 39), a repository name
// letters, digits, '.', '_' and '-' (at most 100), never '.' or '..'.
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/;
/** An update cadence longer than this is a typo; it would also overflow the timers that remind people. */
export const MAX_DURATION_MINUTES = 30 * 1440;

/** `30m`, `1h`, `1h30m`, `2d` -> minutes; undefined when the text is not a duration of 1 minute to 30 days. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m] = match;
  const minutes = Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0);
  return minutes > 0 && minutes <= MAX_DURATION_MINUTES ? minutes : undefined;
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

/** A duration, or `none` (or false) to switch the rule off for this severity. */
function durationOrNone(field: string, example: string) {
  const message = `${field} must be a duration like ${example} (1m to 30d), or none to switch it off`;
  return z
    .union([z.string({ error: message }), z.literal(false)], { error: message })
    .refine((v) => v === false || v.trim() === 'none' || parseDuration(v) !== undefined, message)
    .optional();
}

/** Minutes, `null` when switched off, undefined when not set (the default applies). */
function durationSetting(value: string | false | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === false || value.trim() === 'none') return null;
  return parseDuration(value) ?? null;
}

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
      .refine(
        (v) => parseDuration(v) !== undefined,
        'update-every must be a duration like "30m", "1h" or "4h", from 1m to 30d',
      )
      .optional(),
    'comms-within': durationOrNone('comms-within', '"10m"'),
    'retro-within': durationOrNone('retro-within', '"3d"'),
    'public-by-default': z.boolean({ error: 'public-by-default must be true or false' }).optional(),
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
    public: z.boolean({ error: 'public must be true or false (true: a component of the status page)' }).optional(),
    'display-name': z
      .string({ error: 'display-name must be a text (the component name customers see)' })
      .min(1, 'display-name must not be empty')
      .max(100, 'display-name is at most 100 characters')
      .optional(),
  })
  .strict();

const statusPageSchema = z
  .object({
    title: z
      .string({ error: 'title must be a text (the page name)' })
      .min(1, 'title must not be empty')
      .max(100, 'title is at most 100 characters')
      .optional(),
    logo: z
      .string({ error: 'logo must be a path to an image in the repository, e.g. .github/status/logo.svg' })
      .refine(
        (v) => /\.(svg|png|jpe?g|gif|webp)$/i.test(v),
        'logo must be an image file in the repository (.svg, .png, .jpg, .gif or .webp)',
      )
      .refine((v) => insideRepository(v), 'logo must be a path inside the repository (relative, without "..")')
      .optional(),
    color: z
      .string({ error: 'color must be a text like "#0b6bcb"' })
      .regex(/^#?[0-9a-fA-F]{6}$/, 'color must be six hex digits, like "#0b6bcb"')
      .optional(),
    impact: z
      .record(z.string(), z.enum(COMPONENT_IMPACTS, { error: `an impact is one of ${COMPONENT_IMPACTS.join(', ')}` }), {
        error: `impact must map a severity to one of ${COMPONENT_IMPACTS.join(', ')}`,
      })
      .optional(),
  })
  .strict();

/** A repository-relative path that stays inside the repository. */
function insideRepository(path: string): boolean {
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-z]:/i.test(path) || /^[a-z]+:\/\//i.test(path))
    return false;
  let depth = 0;
  for (const part of path.split(/[\\/]+/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return false;
  }
  return depth > 0;
}

const labelsSchema = z
  .object({
    incident: z.string().min(1).optional(),
    'severity-prefix': z.string().min(1).optional(),
    'status-prefix': z.string().min(1).optional(),
    'role-prefix': z.string().min(1).optional(),
    drill: z.string().min(1).optional(),
    'follow-up': z.string().min(1).optional(),
    code: z.string().min(1).optional(),
  })
  .strict();

const alertRouteSchema = z
  .object({
    match: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], { error: 'each match value must be a text (`*` matches any)' }),
        { error: 'match must map an alert label or field to a value, e.g. { alertname: HighErrorRate }' },
      )
      .optional(),
    service: name('a service name').optional(),
    severity: name('a severity name').optional(),
    action: z.enum(['declare', 'attach', 'ignore'], { error: 'action must be declare, attach or ignore' }).optional(),
    'auto-resolve': z.boolean({ error: 'auto-resolve must be true or false' }).optional(),
  })
  .strict();

const alertsSchema = z
  .object({
    routes: z
      .array(alertRouteSchema, { error: 'routes must be a list of { match, service, severity, action, auto-resolve }' })
      .max(200, 'keep alert routes to at most 200')
      .optional(),
  })
  .strict();

const deploymentsSchema = z
  .object({
    'while-frozen': z
      .enum(['reject', 'hold'], { error: 'while-frozen must be reject (answer at once) or hold (wait for the end)' })
      .optional(),
    repositories: z
      .array(z.string().regex(REPO, 'each repository must be "owner/name" as GitHub spells it, e.g. acme/web'), {
        error: 'repositories must be a list of "owner/name"',
      })
      .max(50, 'keep repositories to at most 50')
      .optional(),
    'rollback-workflow': rollbackWorkflowSchema.optional(),
  })
  .strict();

const configSchema = z
  .object({
    repository: z
      .string({ error: 'repository must be "owner/name"' })
      .regex(REPO, 'repository must be "owner/name" as GitHub spells it, e.g. acme/incidents')
      .optional(),
    'private-repository': z
      .string({ error: 'private-repository must be "owner/name"' })
      .regex(REPO, 'private-repository must be "owner/name" as GitHub spells it, e.g. acme/incidents-private')
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
    'timeline-reaction': z
      .enum([...REACTIONS, 'none'], {
        error: `timeline-reaction must be one of GitHub's reactions (${REACTIONS.join(', ')}), or none`,
      })
      .optional(),
    'status-page': statusPageSchema.optional(),
    alerts: alertsSchema.optional(),
    environments: z
      .record(
        z.string().min(1, 'an environment name cannot be empty'),
        z.array(name('a service name'), { error: 'each environment must list its services, e.g. [api, web]' }),
        { error: 'environments must map an environment name to its services, e.g. { production: [api, web] }' },
      )
      .optional(),
    deployments: deploymentsSchema.optional(),
    slack: slackSchema.optional(),
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
      // Built-in names keep their defaults; a custom severity that freezes deploys is major-or-worse.
      ...optionalMinutes(
        'commsWithinMinutes',
        s['comms-within'],
        known ? known.commsWithinMinutes : s.freeze ? DEFAULT_COMMS_WITHIN_MINUTES : undefined,
      ),
      ...optionalMinutes(
        'retroWithinMinutes',
        s['retro-within'],
        known ? known.retroWithinMinutes : DEFAULT_RETRO_WITHIN_MINUTES,
      ),
      ...(s['public-by-default'] !== undefined ? { publicByDefault: s['public-by-default'] } : {}),
    };
  });
  // Labels are case-insensitive on GitHub: `Critical` and `critical` would be one label for two severities.
  duplicateIndexes(severities.map((s) => s.name)).forEach(([first, dup]) =>
    problems.push({
      file,
      ...at(nodeOffset(doc, ['severities', dup, 'name']) ?? nodeOffset(doc, ['severities'])),
      field: `severities[${dup}].name`,
      message: `severity "${severities[dup]?.name}" is listed twice (as severities[${first}] too; names are case-insensitive)`,
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
  (raw.roles ?? []).forEach((r, i) => {
    if (r.name !== LEAD && r.name.toLowerCase() === LEAD)
      problems.push({
        file,
        ...at(nodeOffset(doc, ['roles', i, 'name'])),
        field: `roles[${i}].name`,
        message: `role "${r.name}" is the built-in role "${LEAD}" (names are case-insensitive); write it as "${LEAD}"`,
      });
  });
  duplicateIndexes((raw.roles ?? []).map((r) => r.name)).forEach(([first, dup]) =>
    problems.push({
      file,
      ...at(nodeOffset(doc, ['roles', dup, 'name']) ?? nodeOffset(doc, ['roles'])),
      field: `roles[${dup}].name`,
      message: `role "${raw.roles?.[dup]?.name}" is listed twice (as roles[${first}] too; names are case-insensitive)`,
    }),
  );

  const labels = raw.labels ?? {};
  // Labels are told apart by prefix (and by name): two equal ones would read a role label as a severity.
  const labelKeys = [
    'severity-prefix',
    'status-prefix',
    'role-prefix',
    'incident',
    'drill',
    'follow-up',
    'code',
  ] as const satisfies readonly (keyof typeof labels)[];
  const labelValues = labelKeys.map((key) => labels[key] ?? defaultLabel(key));
  duplicateIndexes(labelValues).forEach(([first, dup]) => {
    const key = labelKeys[dup] as (typeof labelKeys)[number];
    const other = labelKeys[first] as (typeof labelKeys)[number];
    problems.push({
      file,
      ...at(nodeOffset(doc, ['labels', key]) ?? nodeOffset(doc, ['labels', other]) ?? nodeOffset(doc, ['labels'])),
      field: `labels.${labels[key] !== undefined ? key : other}`,
      message: `labels.${key} and labels.${other} are both "${labelValues[dup]}"; each label must differ (case-insensitively)`,
    });
  });

  const repository = toRepo(raw.repository);
  const privateRepository = toRepo(raw['private-repository']);
  if (repository && privateRepository && sameRepo(repository, privateRepository)) {
    problems.push({
      file,
      ...at(nodeOffset(doc, ['private-repository'])),
      field: 'private-repository',
      message: `private-repository is the same as repository (${raw.repository}); private incidents need a separate, private repository`,
    });
  }
  const statusPage = raw['status-page'];
  for (const severityName of Object.keys(statusPage?.impact ?? {})) {
    if (severities.some((s) => s.name === severityName)) continue;
    problems.push({
      file,
      ...at(
        findKeyNode(doc.getIn(['status-page', 'impact'], true), severityName)?.range?.[0] ??
          nodeOffset(doc, ['status-page', 'impact']),
      ),
      field: `status-page.impact.${severityName}`,
      message: `"${severityName}" is not a severity; map one of: ${severities.map((s) => s.name).join(', ')}`,
    });
  }
  const services = Object.keys(raw.services ?? {});
  const routes: AlertRoute[] = (raw.alerts?.routes ?? []).map((r, i) => {
    const field = (key: string) => ({
      file,
      ...at(nodeOffset(doc, ['alerts', 'routes', i, key]) ?? nodeOffset(doc, ['alerts', 'routes', i])),
      field: `alerts.routes[${i}].${key}`,
    });
    if (r.severity !== undefined && !severities.some((s) => s.name === r.severity))
      problems.push({
        ...field('severity'),
        message: `unknown severity "${r.severity}"; use one of: ${severities.map((s) => s.name).join(', ')}`,
      });
    if (r.service !== undefined && services.length > 0 && !services.includes(r.service))
      problems.push({
        ...field('service'),
        message: `unknown service "${r.service}"; use one of the services above: ${services.join(', ')}`,
      });
    return {
      match: Object.fromEntries(Object.entries(r.match ?? {}).map(([k, v]) => [k, String(v)])),
      ...(r.service !== undefined ? { service: r.service } : {}),
      ...(r.severity !== undefined ? { severity: r.severity } : {}),
      action: r.action ?? 'declare',
      autoResolve: r['auto-resolve'] === true,
    };
  });
  for (const [environment, listed] of Object.entries(raw.environments ?? {})) {
    listed.forEach((serviceName, i) => {
      if (services.length === 0 || services.includes(serviceName)) return;
      problems.push({
        file,
        ...at(nodeOffset(doc, ['environments', environment, i]) ?? nodeOffset(doc, ['environments', environment])),
        field: `environments.${environment}[${i}]`,
        message: `unknown service "${serviceName}"; use one of the services above: ${services.join(', ')}`,
      });
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const deployments = raw.deployments;
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
      ...(s.public !== undefined ? { public: s.public } : {}),
      ...(s['display-name'] !== undefined ? { displayName: s['display-name'] } : {}),
    })),
    labels: {
      incident: labels.incident ?? DEFAULT_LABELS.incident,
      severityPrefix: labels['severity-prefix'] ?? DEFAULT_LABELS.severityPrefix,
      statusPrefix: labels['status-prefix'] ?? DEFAULT_LABELS.statusPrefix,
      rolePrefix: labels['role-prefix'] ?? DEFAULT_LABELS.rolePrefix,
      drill: labels.drill ?? DEFAULT_LABELS.drill,
      followUp: labels['follow-up'] ?? DEFAULT_LABELS.followUp,
      code: labels.code ?? DEFAULT_LABELS.code,
    },
    ...(raw.templates ? { templates: raw.templates } : {}),
    ...(raw['timeline-reaction'] === 'none'
      ? {}
      : { timelineReaction: raw['timeline-reaction'] ?? DEFAULT_TIMELINE_REACTION }),
    statusPage: statusPageConfig({ severities }, statusPage),
    alerts: { routes },
    ...(raw.environments ? { environments: raw.environments } : {}),
    deployments: {
      whileFrozen: deployments?.['while-frozen'] ?? 'reject',
      repositories: (deployments?.repositories ?? []).flatMap((slug) => toRepo(slug) ?? []),
      ...(deployments?.['rollback-workflow'] ? { rollbackWorkflow: deployments['rollback-workflow'] } : {}),
    },
    ...slackConfigOf(raw.slack),
  };
}

/** A per-severity rule's minutes: as written, switched off (`none`), or else the default. */
function optionalMinutes<K extends 'commsWithinMinutes' | 'retroWithinMinutes'>(
  key: K,
  written: string | false | undefined,
  fallback: number | undefined,
): Partial<Record<K, number>> {
  const setting = durationSetting(written);
  const minutes = setting === null ? undefined : (setting ?? fallback);
  return minutes === undefined ? {} : ({ [key]: minutes } as Partial<Record<K, number>>);
}

/**
 * The status page settings with their defaults: the first severity (critical) is a major outage, the second (major)
 * a partial outage, the others (minor, triage) degraded performance, unless the config maps them.
 */
export function statusPageConfig(
  config: Pick<FirebreakConfig, 'severities' | 'statusPage'>,
  raw?: z.infer<typeof statusPageSchema>,
): StatusPageConfig {
  if (!raw && config.statusPage) return config.statusPage;
  const named: Record<string, ComponentImpact> = {
    critical: 'major_outage',
    major: 'partial_outage',
    minor: 'degraded_performance',
    [TRIAGE]: 'degraded_performance',
  };
  const ranked = config.severities.filter((s) => s.name !== TRIAGE);
  const impact: Record<string, ComponentImpact> = {};
  for (const severity of config.severities) {
    const rank = ranked.indexOf(severity);
    impact[severity.name] =
      raw?.impact?.[severity.name] ??
      named[severity.name] ??
      (rank === 0 ? 'major_outage' : rank === 1 ? 'partial_outage' : 'degraded_performance');
  }
  const color = (raw?.color ?? DEFAULT_STATUS_PAGE_COLOR).replace(/^#?/, '#').toLowerCase();
  return {
    ...(raw?.title ? { title: raw.title } : {}),
    ...(raw?.logo ? { logo: raw.logo.replace(/^\.\//, '') } : {}),
    color,
    impact,
  };
}

function toRaw(s: SeverityConfig) {
  return {
    name: s.name,
    description: s.description,
    color: s.color,
    freeze: s.freeze,
    'update-every': `${s.updateEveryMinutes}m`,
    'comms-within': s.commsWithinMinutes !== undefined ? `${s.commsWithinMinutes}m` : ('none' as const),
    'retro-within': s.retroWithinMinutes !== undefined ? `${s.retroWithinMinutes}m` : ('none' as const),
    ...(s.publicByDefault !== undefined ? { 'public-by-default': s.publicByDefault } : {}),
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

/** [first index, later index] for every name that repeats an earlier one, case-insensitively. */
function duplicateIndexes(names: readonly string[]): [number, number][] {
  const lower = names.map((n) => n.toLowerCase());
  return lower.flatMap((n, i) => (lower.indexOf(n) !== i ? [[lower.indexOf(n), i] as [number, number]] : []));
}

function sameRepo(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}

function defaultLabel(key: string): string {
  const defaults: Record<string, string> = {
    'severity-prefix': DEFAULT_LABELS.severityPrefix,
    'status-prefix': DEFAULT_LABELS.statusPrefix,
    'role-prefix': DEFAULT_LABELS.rolePrefix,
    incident: DEFAULT_LABELS.incident,
    drill: DEFAULT_LABELS.drill,
    'follow-up': DEFAULT_LABELS.followUp,
    code: DEFAULT_LABELS.code,
  };
  return defaults[key] ?? key;
}

function nodeOffset(doc: ReturnType<typeof parseDocument>, path: (string | number)[]): number | undefined {
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
  if (path[0] === 'status-page') return Object.keys(statusPageSchema.shape);
  if (path[0] === 'deployments') return Object.keys(deploymentsSchema.shape);
  if (path[0] === 'alerts') return Object.keys(path.length > 1 ? alertRouteSchema.shape : alertsSchema.shape);
  return last;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
