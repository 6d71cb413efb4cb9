// The `status-page` section: the public page's title, logo, colour and what each severity does to its components.
import { isMap, isScalar, type Node as YamlNode } from 'yaml';
import * as z from 'zod';
import { TRIAGE } from '../incident';
import type { SeverityConfig } from './severities';
import { nodeOffset, type SectionContext } from './shared';

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

export const statusPageSchema = z
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

/** Every severity the impact map names must be a configured severity. */
export function checkStatusPage(
  raw: z.infer<typeof statusPageSchema> | undefined,
  severities: readonly SeverityConfig[],
  ctx: SectionContext,
): void {
  const { file, doc, at, problems } = ctx;
  for (const severityName of Object.keys(raw?.impact ?? {})) {
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
}

export function findKeyNode(parent: unknown, key: string): YamlNode | undefined {
  if (!isMap(parent)) return undefined;
  for (const item of parent.items) {
    if (isScalar(item.key) && String(item.key.value) === key) return item.key;
  }
  return undefined;
}

/**
 * The status page settings with their defaults: the first severity (critical) is a major outage, the second (major)
 * a partial outage, the others (minor, triage) degraded performance, unless the config maps them.
 */
export function statusPageConfig(
  config: { readonly severities: readonly SeverityConfig[]; readonly statusPage?: StatusPageConfig },
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
