// The `severities` section: the levels an incident can have, what each freezes and how often it expects updates.
import * as z from 'zod';
import { InputError } from '../errors';
import { TRIAGE } from '../incident';
import { duplicateIndexes, name, nodeOffset, parseDuration, type SectionContext } from './shared';

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

/** A duration, or `none` (or false) to switch the rule off for this severity. */
function durationOrNone(field: string, example: string) {
  const message = `${field} must be a duration like ${example} (1m to 30d), or none to switch it off`;
  return z
    .union([z.string({ error: message }), z.literal(false)], { error: message })
    .refine((v) => v === false || v.trim() === 'none' || parseDuration(v) !== undefined, message)
    .optional();
}

export const severitySchema = z
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

export const severitiesSchema = z
  .array(severitySchema, {
    error: 'severities must be a list of { name, description, color, freeze, update-every }',
  })
  .min(1, 'severities needs at least one entry')
  .max(8, 'keep severities to a few levels (at most 8)');

type RawSeverity = z.infer<typeof severitySchema>;

/** The severities as written, with defaults for what is left out; `triage` is added unless listed. */
export function normalizeSeverities(raw: readonly RawSeverity[] | undefined, ctx: SectionContext): SeverityConfig[] {
  const { file, doc, at, problems } = ctx;
  const severities: SeverityConfig[] = (raw ?? DEFAULT_SEVERITIES.map(toRaw)).map((s) => {
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
  return severities;
}

/** Minutes, `null` when switched off, undefined when not set (the default applies). */
function durationSetting(value: string | false | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === false || value.trim() === 'none') return null;
  return parseDuration(value) ?? null;
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

export function findSeverity(
  config: { readonly severities: readonly SeverityConfig[] },
  severityName: string,
): SeverityConfig | undefined {
  return config.severities.find((s) => s.name === severityName);
}

/** The severity, or a clear error listing what is allowed. */
export function requireSeverity(
  config: { readonly severities: readonly SeverityConfig[]; readonly source: string },
  severityName: string,
): SeverityConfig {
  const found = findSeverity(config, severityName.trim().toLowerCase());
  if (!found) {
    throw new InputError(
      `Unknown severity "${severityName}".`,
      `Use one of: ${config.severities.map((s) => s.name).join(', ')} (configured in ${config.source}).`,
    );
  }
  return found;
}
