// Conditional GETs: weak ETags from a hash of the body, If-None-Match / If-Modified-Since evaluation.
// Clients poll with these because GitHub does not count 304 answers against the rate limit.
import { createHash } from 'node:crypto';

export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex')}"`;
}

function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

/** Weak comparison, as RFC 9110 prescribes for If-None-Match. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const candidates = ifNoneMatch.split(',').map((tag) => tag.trim());
  return candidates.includes('*') || candidates.some((tag) => opaque(tag) === opaque(etag));
}

/** If-Modified-Since is honoured only without If-None-Match, at the one-second precision of HTTP dates. */
export function notModifiedSince(ifModifiedSince: string, lastModified: Date): boolean {
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}
