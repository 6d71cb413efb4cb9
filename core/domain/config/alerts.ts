// The `alerts` section: routes that decide what an incoming alert does (declare, attach, ignore) and where it goes.
import * as z from 'zod';
import type { SeverityConfig } from './severities';
import { name, nodeOffset, type SectionContext } from './shared';

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

export const alertRouteSchema = z
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

export const alertsSchema = z
  .object({
    routes: z
      .array(alertRouteSchema, { error: 'routes must be a list of { match, service, severity, action, auto-resolve }' })
      .max(200, 'keep alert routes to at most 200')
      .optional(),
  })
  .strict();

/** The routes, each naming a configured severity and (when services are configured) a configured service. */
export function normalizeAlerts(
  raw: z.infer<typeof alertsSchema> | undefined,
  severities: readonly SeverityConfig[],
  services: readonly string[],
  ctx: SectionContext,
): AlertsConfig {
  const { file, doc, at, problems } = ctx;
  const routes: AlertRoute[] = (raw?.routes ?? []).map((r, i) => {
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
  return { routes };
}
