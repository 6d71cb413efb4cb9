// The `labels` section: the names and prefixes Firebreak's labels use; each must differ from the others.
import * as z from 'zod';
import { duplicateIndexes, nodeOffset, type SectionContext } from './shared';

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

export const DEFAULT_LABELS: LabelConfig = {
  incident: 'incident',
  severityPrefix: 'severity:',
  statusPrefix: 'status:',
  rolePrefix: 'role:',
  drill: 'drill',
  followUp: 'follow-up',
  code: 'incident:code',
};

export const labelsSchema = z
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

export function normalizeLabels(raw: z.infer<typeof labelsSchema> | undefined, ctx: SectionContext): LabelConfig {
  const { file, doc, at, problems } = ctx;
  const labels = raw ?? {};
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
  return {
    incident: labels.incident ?? DEFAULT_LABELS.incident,
    severityPrefix: labels['severity-prefix'] ?? DEFAULT_LABELS.severityPrefix,
    statusPrefix: labels['status-prefix'] ?? DEFAULT_LABELS.statusPrefix,
    rolePrefix: labels['role-prefix'] ?? DEFAULT_LABELS.rolePrefix,
    drill: labels.drill ?? DEFAULT_LABELS.drill,
    followUp: labels['follow-up'] ?? DEFAULT_LABELS.followUp,
    code: labels.code ?? DEFAULT_LABELS.code,
  };
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
