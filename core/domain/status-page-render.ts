// Renders the status page model into the site's files: HTML pages, the Atom feed and the JSON API. The HTML comes
// from Handlebars templates (templates/status-page/, overridable from the config's templates folder under
// `status-page/`), with HTML escaping on: every text in the model may have been typed by someone.
import Handlebars from 'handlebars';
import { builtInTemplate } from '../../templates/built-in';
import { ConfigError } from './errors';
import { stripControl } from './markdown';
import { formatTime } from './render';
import {
  COMPONENT_STATUS_TEXT,
  HISTORY_DAYS,
  statusPageApi,
  type ApiIncident,
  type ApiMaintenance,
  type StatusPageModel,
} from './status-page';

export const STATUS_PAGE_TEMPLATES = ['layout', 'style', 'index', 'incident', 'history', 'feed'] as const;
export type StatusPageTemplate = (typeof STATUS_PAGE_TEMPLATES)[number];
/** Where overrides live, under the config's templates folder; also the prefix of their names in a workspace. */
export const STATUS_PAGE_DIR = 'status-page';

const BUILT_IN: Readonly<Record<StatusPageTemplate, string>> = {
  layout: builtInTemplate('status-page/layout.hbs'),
  style: builtInTemplate('status-page/style.hbs'),
  index: builtInTemplate('status-page/index.hbs'),
  incident: builtInTemplate('status-page/incident.hbs'),
  history: builtInTemplate('status-page/history.hbs'),
  feed: builtInTemplate('status-page/feed.hbs'),
};

export interface SiteFile {
  /** Relative to the site's root, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

export interface SiteRenderer {
  render(model: StatusPageModel, options?: { readonly logoFile?: string }): SiteFile[];
}

const IMPACT_TEXT: Readonly<Record<string, string>> = {
  none: 'None',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
  maintenance: 'Maintenance',
};

const UPDATE_STATUS_TEXT: Readonly<Record<string, string>> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
};

/**
 * Compiles the site's templates. `overrides` maps `status-page/NAME` (or `NAME`) to Handlebars text; `where` names
 * the folder they came from, so that a template that does not compile is reported by file and line.
 */
export function createSiteRenderer(overrides: Readonly<Record<string, string>> = {}, where = ''): SiteRenderer {
  const hb = Handlebars.create();
  hb.registerHelper('time', (value: unknown) => formatTime(value));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const compiled = new Map<StatusPageTemplate, Handlebars.TemplateDelegate>();
  for (const name of STATUS_PAGE_TEMPLATES) {
    const override = overrides[`${STATUS_PAGE_DIR}/${name}`] ?? overrides[name];
    const source = override ?? BUILT_IN[name];
    const file = `${where ? `${where.replace(/\/+$/, '')}/` : ''}${STATUS_PAGE_DIR}/${name}.hbs`;
    try {
      hb.parse(source);
      compiled.set(name, hb.compile(source, { strict: false }));
    } catch (error) {
      const message = (error as Error).message;
      const line = Number(/line (\d+)/.exec(message)?.[1] ?? 1);
      throw new ConfigError([
        {
          file: override !== undefined ? file : `templates/${STATUS_PAGE_DIR}/${name}.hbs`,
          line,
          column: 1,
          field: '',
          message: `the template does not compile: ${message.split('\n')[0]} (fix it, or delete it to use the built-in one)`,
        },
      ]);
    }
    if (name === 'layout' || name === 'style') hb.registerPartial(name, compiled.get(name) as Handlebars.Template);
  }
  const run = (name: StatusPageTemplate, view: object): string => {
    try {
      return xmlChars((compiled.get(name) as Handlebars.TemplateDelegate)(view));
    } catch (error) {
      throw new ConfigError([
        {
          file: `${STATUS_PAGE_DIR}/${name}.hbs`,
          line: 1,
          column: 1,
          field: '',
          message: `the template failed: ${(error as Error).message.split('\n')[0]}`,
        },
      ]);
    }
  };
  return {
    render(model, options = {}) {
      return renderSite(model, run, options.logoFile);
    },
  };
}

function withTexts<T extends ApiIncident | ApiMaintenance>(incident: T) {
  return {
    ...incident,
    impactText: IMPACT_TEXT[incident.impact] ?? incident.impact,
    statusText: UPDATE_STATUS_TEXT[incident.status] ?? incident.status,
    incident_updates: incident.incident_updates.map((u) => ({
      ...u,
      body: clean(u.body),
      statusText: UPDATE_STATUS_TEXT[u.status] ?? u.status,
    })),
  };
}

// What XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE, U+FFFF): one in the feed makes
// readers reject the whole document, and HTML parsers treat them as errors too.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Every page and the feed without the characters XML 1.0 forbids, whatever a template or an update put in. */
function xmlChars(text: string): string {
  return text.replace(NOT_XML, '');
}

/** Text for a page: control and bidi-override characters out (they could disguise what a line says). */
function clean(text: string): string {
  return stripControl(text).trim();
}

function renderSite(
  model: StatusPageModel,
  run: (name: StatusPageTemplate, view: object) => string,
  logoFile: string | undefined,
): SiteFile[] {
  const files: SiteFile[] = [];
  const base = model.page.url ? `${model.page.url}/` : '';
  const common = {
    page: { ...model.page, name: clean(model.page.name) },
    color: model.color,
    days: HISTORY_DAYS,
    ...(logoFile ? { logo: logoFile } : {}),
  };
  const incidents = model.incidents.map(withTexts);
  const maintenances = model.scheduledMaintenances.map((m) => ({
    ...withTexts(m),
    body: clean(m.incident_updates[0]?.body ?? ''),
  }));
  const inMaintenance = model.scheduledMaintenances.some((m) => m.status === 'in_progress');
  files.push({
    path: 'index.html',
    content: run('index', {
      ...common,
      root: '',
      status: model.status,
      bannerClass: model.status.indicator === 'none' && inMaintenance ? 'maintenance' : model.status.indicator,
      activeIncidents: incidents.filter((i) => i.status !== 'resolved'),
      recentIncidents: incidents.filter((i) => i.status === 'resolved').slice(0, 5),
      maintenances: maintenances.filter((m) => m.status !== 'completed'),
      history: model.history.map((h) => ({
        ...h,
        statusText: COMPONENT_STATUS_TEXT[h.component.status],
        incidentDays: h.days
          .filter((d) => d.incidents.length > 0)
          .map((d) => ({
            date: d.date,
            text: `${COMPONENT_STATUS_TEXT[d.status]} (${d.incidents.map(clean).join('; ')})`,
          })),
        days: h.days.map((d) => ({
          ...d,
          text:
            d.incidents.length > 0
              ? `${COMPONENT_STATUS_TEXT[d.status]} (${d.incidents.map(clean).join('; ')})`
              : 'No incidents',
        })),
      })),
    }),
  });
  for (const incident of [...incidents, ...maintenances]) {
    files.push({
      path: `incidents/${incident.id}.html`,
      content: run('incident', {
        ...common,
        root: '../',
        incident,
        maintenance: incident.impact === 'maintenance',
      }),
    });
  }
  const months = new Map<string, typeof incidents>();
  for (const incident of incidents) {
    const label = new Date(incident.started_at).toLocaleString('en', {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    months.set(label, [...(months.get(label) ?? []), incident]);
  }
  files.push({
    path: 'history.html',
    content: run('history', {
      ...common,
      root: '',
      incidents,
      months: [...months.entries()].map(([label, list]) => ({ label, incidents: list })),
    }),
  });
  const entries = incidents
    .flatMap((incident) =>
      incident.incident_updates.map((u) => ({
        id: `urn:firebreak:status:${u.id}`,
        title: `${clean(incident.name)}: ${UPDATE_STATUS_TEXT[u.status] ?? u.status}`,
        updated: u.created_at,
        link: `${base}incidents/${incident.id}.html`,
        body: u.body,
      })),
    )
    .sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated));
  files.push({
    path: 'feed.atom',
    content: run('feed', {
      ...common,
      base,
      feedId: `urn:firebreak:status:${model.page.id}`,
      updated: entries[0]?.updated ?? model.page.updated_at,
      entries,
    }),
  });
  for (const [path, value] of Object.entries(statusPageApi(model))) {
    files.push({ path: `api/v2/${path}`, content: `${JSON.stringify(value, null, 2)}\n` });
  }
  return files;
}
