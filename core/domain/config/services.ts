// The `services` and `environments` sections: which paths and owners make a service, and which services deploy where.
import * as z from 'zod';
import { name, nodeOffset, type SectionContext } from './shared';

export interface ServiceConfig {
  readonly name: string;
  readonly paths: readonly string[];
  readonly owners: readonly string[];
  /** A component of the status page. */
  readonly public?: boolean;
  /** The component's name on the status page, if not the service name. */
  readonly displayName?: string;
}

export const serviceSchema = z
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

export const servicesSchema = z.record(name('a service name'), serviceSchema, {
  error: 'services must map a service name to { paths, owners }',
});

export const environmentsSchema = z.record(
  z.string().min(1, 'an environment name cannot be empty'),
  z.array(name('a service name'), { error: 'each environment must list its services, e.g. [api, web]' }),
  { error: 'environments must map an environment name to its services, e.g. { production: [api, web] }' },
);

export function normalizeServices(raw: z.infer<typeof servicesSchema> | undefined): ServiceConfig[] {
  return Object.entries(raw ?? {}).map(([serviceName, s]) => ({
    name: serviceName,
    paths: s.paths,
    owners: (s.owners ?? []).map((o) => (o.startsWith('@') ? o.slice(1) : o)),
    ...(s.public !== undefined ? { public: s.public } : {}),
    ...(s['display-name'] !== undefined ? { displayName: s['display-name'] } : {}),
  }));
}

/** Every service an environment lists must be one of the services (when any are configured). */
export function checkEnvironments(
  raw: z.infer<typeof environmentsSchema> | undefined,
  services: readonly string[],
  ctx: SectionContext,
): void {
  const { file, doc, at, problems } = ctx;
  for (const [environment, listed] of Object.entries(raw ?? {})) {
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
}
