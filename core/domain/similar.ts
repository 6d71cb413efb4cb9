// One team per incident: an active incident that shares a service with a new one, or has a similar title, is
// probably the same incident. Pure: the edges pass the list of active incidents they already hold.
import { isActive, type Incident } from './incident';

export interface DraftIncident {
  readonly title: string;
  readonly services?: readonly string[];
  readonly drill?: boolean;
  readonly private?: boolean;
}

export interface SimilarIncident {
  readonly incident: Incident;
  /** Services both name. */
  readonly sharedServices: readonly string[];
  readonly similarTitle: boolean;
}

// Words that say nothing about which incident it is.
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'at',
  'for',
  'from',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
  'we',
  'our',
  'some',
  'all',
  'not',
  'no',
  'drill',
]);

/** Significant words of a title, lower-cased, with plural and -ing/-ed endings dropped ("500s" is "500"). */
export function titleWords(title: string): Set<string> {
  const words = title
    .toLowerCase()
    .replace(/^\[drill\]\s*/, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2 && !STOP_WORDS.has(w))
    .map((w) => w.replace(/(?:ing|ed|es|s)$/, '') || w);
  return new Set(words);
}

/**
 * Whether two titles name the same trouble: two or more significant words shared, making up most (60%) of the
 * shorter title ("Checkout returns 500s" and "Checkout 500 errors for everyone"; not "Login slow" and "Checkout slow").
 */
export function similarTitles(a: string, b: string): boolean {
  const x = titleWords(a);
  const y = titleWords(b);
  const shared = [...x].filter((w) => y.has(w)).length;
  return shared >= 2 && shared / Math.min(x.size, y.size) >= 0.6;
}

/**
 * Active incidents that look like the one about to be declared, most likely first (shared services, then title).
 * A drill is compared with drills only, a real incident with real ones; a private one with private ones only.
 */
export function similarIncidents(draft: DraftIncident, active: readonly Incident[]): SimilarIncident[] {
  const services = new Set(draft.services ?? []);
  return active
    .filter((i) => isActive(i) && i.drill === (draft.drill === true) && i.private === (draft.private === true))
    .map((incident) => ({
      incident,
      sharedServices: incident.services.filter((s) => services.has(s)),
      similarTitle: similarTitles(draft.title, incident.title),
    }))
    .filter((c) => c.sharedServices.length > 0 || c.similarTitle)
    .sort(
      (a, b) => b.sharedServices.length - a.sharedServices.length || Number(b.similarTitle) - Number(a.similarTitle),
    );
}

/** "shares checkout, payments" / "similar title" / both: why a candidate was named. */
export function similarityReason(candidate: SimilarIncident): string {
  const parts = [
    ...(candidate.sharedServices.length > 0 ? [`shares ${candidate.sharedServices.join(', ')}`] : []),
    ...(candidate.similarTitle ? ['similar title'] : []),
  ];
  return parts.join('; ');
}
