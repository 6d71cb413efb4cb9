// The `roles` section: who holds what during an incident; `lead` always exists and comes first.
import * as z from 'zod';
import { InputError } from '../errors';
import { LEAD } from '../incident';
import { duplicateIndexes, name, nodeOffset, type SectionContext } from './shared';

export interface RoleConfig {
  readonly name: string;
  readonly description: string;
}

export const DEFAULT_ROLES: readonly RoleConfig[] = [
  { name: LEAD, description: 'Incident lead: coordinates, decides and delegates. Always staffed.' },
  { name: 'comms', description: 'Comms lead: keeps stakeholders informed on the agreed cadence.' },
  { name: 'scribe', description: 'Scribe: keeps the timeline complete.' },
];

export const roleSchema = z
  .object({
    name: name('a role name'),
    description: z.string({ error: 'description must be a text' }).optional(),
  })
  .strict();

export const rolesSchema = z.array(roleSchema, { error: 'roles must be a list of { name, description }' });

type RawRole = z.infer<typeof roleSchema>;

export function normalizeRoles(raw: readonly RawRole[] | undefined, ctx: SectionContext): RoleConfig[] {
  const { file, doc, at, problems } = ctx;
  const configured = raw ?? DEFAULT_ROLES.filter((r) => r.name !== LEAD);
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
  (raw ?? []).forEach((r, i) => {
    if (r.name !== LEAD && r.name.toLowerCase() === LEAD)
      problems.push({
        file,
        ...at(nodeOffset(doc, ['roles', i, 'name'])),
        field: `roles[${i}].name`,
        message: `role "${r.name}" is the built-in role "${LEAD}" (names are case-insensitive); write it as "${LEAD}"`,
      });
  });
  duplicateIndexes((raw ?? []).map((r) => r.name)).forEach(([first, dup]) =>
    problems.push({
      file,
      ...at(nodeOffset(doc, ['roles', dup, 'name']) ?? nodeOffset(doc, ['roles'])),
      field: `roles[${dup}].name`,
      message: `role "${raw?.[dup]?.name}" is listed twice (as roles[${first}] too; names are case-insensitive)`,
    }),
  );
  return roles;
}

export function requireRole(
  config: { readonly roles: readonly RoleConfig[]; readonly source: string },
  roleName: string,
): RoleConfig {
  const found = config.roles.find((r) => r.name === roleName.trim().toLowerCase());
  if (!found) {
    throw new InputError(
      `Unknown role "${roleName}".`,
      `Use one of: ${config.roles.map((r) => r.name).join(', ')} (configured in ${config.source}).`,
    );
  }
  return found;
}
