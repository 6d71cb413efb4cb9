// Matches request paths against OpenAPI-style path templates ("/repos/{owner}/{repo}/issues/{issue_number}").
// Shared by the sandbox router and the OpenAPI catalog so both agree on which template a path belongs to.

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string; multi: boolean };

export interface TemplateMatch<T> {
  template: string;
  params: Record<string, string>;
  value: T;
}

interface Entry<T> {
  template: string;
  segments: Segment[];
  value: T;
  multi: boolean;
}

function parseTemplate(template: string, multiSegmentParams: ReadonlySet<string>): Segment[] {
  return template
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param?.[1] !== undefined) return { kind: 'param', name: param[1], multi: multiSegmentParams.has(param[1]) };
      return { kind: 'literal', text: part };
    });
}

/** Splits a raw (still percent-encoded) pathname into decoded segments; undefined when it cannot be decoded. */
export function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .slice(1)
      .map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
  from: number,
  at: number,
  params: Record<string, string>,
): boolean {
  for (let i = from; i < segments.length; i++, at++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'param' && segment.multi) {
      // A multi-segment parameter (e.g. a file path) takes as many segments as the rest of the template allows.
      const rest = segments.length - i - 1;
      for (let end = parts.length - rest; end > at; end--) {
        if (matchSegments(segments, parts, i + 1, end, params)) {
          params[segment.name] = parts.slice(at, end).join('/');
          return true;
        }
      }
      return false;
    }
    const part = parts[at];
    if (part === undefined || part === '') return false;
    if (segment.kind === 'literal') {
      if (segment.text !== part) return false;
    } else {
      params[segment.name] = part;
    }
  }
  return at === parts.length;
}

/**
 * Literal segments win over parameters at the first position where two templates differ, as GitHub routes do; when
 * one is a prefix of the other (a multi-segment parameter: /commits/{ref} and /commits/{ref}/statuses), the one with
 * more literal segments wins.
 */
function moreSpecific(a: readonly Segment[], b: readonly Segment[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x?.kind === y?.kind) continue;
    return x?.kind === 'literal';
  }
  const literals = (segments: readonly Segment[]) => segments.filter((s) => s.kind === 'literal').length;
  return literals(a) > literals(b);
}

export class TemplateIndex<T> {
  private readonly entries: Entry<T>[] = [];
  // Most templates have a fixed number of segments: bucketing by it keeps a lookup among ~800 templates cheap.
  private readonly byLength = new Map<number, Entry<T>[]>();
  private readonly variableLength: Entry<T>[] = [];

  add(template: string, value: T, multiSegmentParams: ReadonlySet<string> = new Set()): void {
    const segments = parseTemplate(template, multiSegmentParams);
    const entry: Entry<T> = { template, segments, value, multi: segments.some((s) => s.kind === 'param' && s.multi) };
    this.entries.push(entry);
    if (entry.multi) {
      this.variableLength.push(entry);
    } else {
      const bucket = this.byLength.get(segments.length) ?? [];
      bucket.push(entry);
      this.byLength.set(segments.length, bucket);
    }
  }

  templates(): string[] {
    return this.entries.map((entry) => entry.template);
  }

  /** All templates the path fits, most specific first (callers filter by method and take the first). */
  matchAll(parts: readonly string[]): TemplateMatch<T>[] {
    const found: Array<TemplateMatch<T> & { segments: Segment[] }> = [];
    for (const entry of [...(this.byLength.get(parts.length) ?? []), ...this.variableLength]) {
      const params: Record<string, string> = {};
      if (matchSegments(entry.segments, parts, 0, 0, params)) {
        found.push({ template: entry.template, params, value: entry.value, segments: entry.segments });
      }
    }
    found.sort((a, b) => (moreSpecific(a.segments, b.segments) ? -1 : moreSpecific(b.segments, a.segments) ? 1 : 0));
    return found.map(({ template, params, value }) => ({ template, params, value }));
  }
}
