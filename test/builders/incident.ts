// Builders for domain objects, so tests say only what matters to them.
import type { Trust } from '../../core/domain/trust';
import type { Declaration, LogEntry, TimelineEntry } from '../../core/domain/incident';
import type { CommentRecord } from '../../core/github/issue-gateway';
import { entryMarker } from '../../core/domain/event-log';

export function aDeclaration(overrides: Partial<Declaration> = {}): Declaration {
  return {
    key: 'decl-1',
    title: 'Checkout returns 500s',
    description: 'Payments fail for some customers.',
    severity: 'triage',
    lead: 'alice',
    declaredBy: 'alice',
    declaredAt: '2026-11-23T10:00:00.000Z',
    private: false,
    drill: false,
    services: [],
    ...overrides,
  };
}

export function anEntry(overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    kind: 'action',
    key: 'k-1',
    at: '2026-11-23T10:05:00.000Z',
    by: 'alice',
    text: 'Restarted the workers',
    ...overrides,
  };
}

let nextCommentId = 1000;

export function aComment(entry: TimelineEntry, overrides: Partial<CommentRecord> = {}): CommentRecord {
  const id = nextCommentId++;
  return {
    id,
    body: `${entryMarker(entry)}\nreadable text`,
    author: entry.by,
    authorType: 'User',
    authorAssociation: 'COLLABORATOR',
    createdAt: entry.at,
    updatedAt: entry.at,
    url: `https://github.com/acme/shop/issues/1#issuecomment-${id}`,
    ...overrides,
  };
}

/** Everyone may write: for fold tests where who may act is not the question (trust has its own tests). */
export const trustAll: Trust = () => true;
