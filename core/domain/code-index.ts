// Which lines of which files active incidents' entries point at, for CodeLens and "open the code" links.
import type { CodeRef, Incident, LogEntry } from './incident';

export interface CodeMention {
  readonly incident: Pick<Incident, 'number' | 'title' | 'url' | 'repo'>;
  readonly entry: LogEntry & { readonly code: CodeRef };
}

export interface LineMentions {
  /** 1-based first line of the referenced range; mentions that start on the same line are grouped. */
  readonly line: number;
  readonly mentions: readonly CodeMention[];
}

/**
 * Entries with code references, grouped by file path (relative to the code repository's root) and start line.
 * `codeRepo` (owner/name) keeps references into other repositories out; without it every reference counts.
 */
export function indexCodeMentions(incidents: readonly Incident[], codeRepo?: string): Map<string, LineMentions[]> {
  const byPath = new Map<string, Map<number, CodeMention[]>>();
  for (const incident of incidents) {
    for (const entry of incident.timeline) {
      if (!('code' in entry) || !entry.code) continue;
      if (codeRepo && entry.code.repo.toLowerCase() !== codeRepo.toLowerCase()) continue;
      const lines = byPath.get(entry.code.path) ?? new Map<number, CodeMention[]>();
      const mentions = lines.get(entry.code.startLine) ?? [];
      mentions.push({
        incident: { number: incident.number, title: incident.title, url: incident.url, repo: incident.repo },
        entry: entry as CodeMention['entry'],
      });
      lines.set(entry.code.startLine, mentions);
      byPath.set(entry.code.path, lines);
    }
  }
  const index = new Map<string, LineMentions[]>();
  for (const [path, lines] of byPath) {
    index.set(
      path,
      [...lines.entries()].sort(([a], [b]) => a - b).map(([line, mentions]) => ({ line, mentions })),
    );
  }
  return index;
}

/** "1 incident entry", "3 incident entries". */
export function mentionCountLabel(count: number): string {
  return `${count} incident ${count === 1 ? 'entry' : 'entries'}`;
}
