// Who owns a piece of code: CODEOWNERS rules (last match wins, as on GitHub) and the services of the incident
// config, and which of those owners an incident still has to pull in (each person is asked once).
import picomatch from 'picomatch';
import type { FirebreakConfig } from './config';
import type { Incident } from './incident';

/** Where GitHub looks for CODEOWNERS, in the order it looks. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  readonly pattern: string;
  /** Logins without `@`, `org/team` for teams, or e-mail addresses. */
  readonly owners: readonly string[];
  readonly line: number;
  readonly matches: (path: string) => boolean;
}

/** Rules in file order; comments, blank lines and lines without a pattern are skipped. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    const [pattern = '', ...owners] = line.split(/\s+/);
    if (!pattern) return;
    rules.push({
      pattern,
      owners: owners.map((o) => o.replace(/^@/, '')).filter(Boolean),
      line: index + 1,
      matches: compilePattern(pattern.replace(/\\#/g, '#')),
    });
  });
  return rules;
}

function stripComment(line: string): string {
  // `#` starts a comment unless escaped (`\#` in a pattern).
  const match = /(^|[^\\])#/.exec(line);
  return match ? line.slice(0, match.index + (match[1] ?? '').length) : line;
}

/** gitignore-style pattern semantics, as CODEOWNERS uses them. */
function compilePattern(pattern: string): (path: string) => boolean {
  const directoryOnly = pattern.endsWith('/');
  let body = pattern.replace(/\/+$/, '');
  const anchored = body.startsWith('/') || body.includes('/');
  body = body.replace(/^\/+/, '');
  if (!body) return () => false;
  const base = anchored ? body : `**/${body}`;
  // A name matches a directory and all below it; a wildcard last segment (`docs/*`) matches one level only.
  const last = body.split('/').pop() ?? '';
  const globs = directoryOnly ? [`${base}/**`] : /[*?[]/.test(last) ? [base] : [base, `${base}/**`];
  const matcher = picomatch(globs, { dot: true });
  return (path) => matcher(normalizePath(path));
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.?\/+/, '');
}

/** Owners of a path: those of the last matching rule (a rule without owners means "nobody"). */
export function ownersFor(rules: readonly CodeownersRule[], path: string): { owners: string[]; rule?: CodeownersRule } {
  const rule = [...rules].reverse().find((candidate) => candidate.matches(path));
  return rule ? { owners: [...rule.owners], rule } : { owners: [] };
}

/** Services of the incident config whose paths cover the file, with their owners. */
export function servicesFor(config: FirebreakConfig, path: string): { name: string; owners: string[] }[] {
  const file = normalizePath(path);
  return config.services
    .filter((service) => service.paths.length > 0 && picomatch([...service.paths], { dot: true })(file))
    .map((service) => ({ name: service.name, owners: [...service.owners] }));
}

export interface Involvement {
  /** People to mention now (each once per incident). */
  readonly people: string[];
  /** Teams: cannot be mentioned from an entry (team mentions are defused), listed for the person to reach. */
  readonly teams: string[];
  /** Owners already on the incident (a role) or asked earlier (mentioned in an entry). */
  readonly alreadyInvolved: string[];
  /** E-mail owners: no GitHub handle to mention. */
  readonly unreachable: string[];
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** Splits owners into whom to ask now and who is on the incident already. */
export function planInvolvement(
  owners: readonly string[],
  incident: Pick<Incident, 'roles' | 'timeline'>,
  actor?: string,
): Involvement {
  const seen = new Set<string>();
  const result = {
    people: [] as string[],
    teams: [] as string[],
    alreadyInvolved: [] as string[],
    unreachable: [] as string[],
  };
  const holders = new Set(Object.values(incident.roles).map((l) => l.toLowerCase()));
  for (const owner of owners) {
    const key = owner.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (owner.includes('@')) result.unreachable.push(owner);
    else if (owner.includes('/')) result.teams.push(owner);
    else if (!LOGIN.test(owner)) result.unreachable.push(owner);
    else if (holders.has(key) || key === actor?.toLowerCase() || wasMentioned(incident.timeline, owner))
      result.alreadyInvolved.push(owner);
    else result.people.push(owner);
  }
  return result;
}

function wasMentioned(timeline: Incident['timeline'], login: string): boolean {
  const mention = new RegExp(`(^|[^\\w@/])@${login.replace(/[-]/g, '\\-')}(?![\\w-])`, 'i');
  return timeline.some((entry) => 'text' in entry && typeof entry.text === 'string' && mention.test(entry.text));
}

/** The entry text that asks owners to join: one mention each, and why they are asked. */
export function involvementText(path: string, people: readonly string[], teams: readonly string[] = []): string {
  const who = people.map((login) => `@${login}`).join(' ');
  const teamNote = teams.length
    ? `\n\nAlso owned by ${teams.map((t) => `${t}`).join(', ')} (teams are not notified from here; reach them directly).`
    : '';
  return `Asked the owners of \`${path}\` to join: ${who}.${teamNote}`;
}
