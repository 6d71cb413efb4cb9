// Following lines through git diffs: where referenced lines are at a later commit (edits, moves within the file,
// renames; deleted lines dropped), and which lines of a pull request's new files touch them. Pure: git's output in.

export interface Hunk {
  /** First old line; with `oldCount` 0, the line after which lines were inserted. */
  readonly oldStart: number;
  readonly oldCount: number;
  /** First new line; with `newCount` 0, the line after which lines were deleted. */
  readonly newStart: number;
  readonly newCount: number;
}

export interface FileDiff {
  /** undefined for an added file. */
  readonly oldPath?: string;
  /** undefined for a deleted file. */
  readonly newPath?: string;
  readonly hunks: readonly Hunk[];
}

export type LineRange = readonly [start: number, end: number];

/** Parses `git diff --unified=0 -M --no-color` output (with a/ b/ prefixes). */
export function parseDiff(text: string): FileDiff[] {
  const files: { oldPath?: string; newPath?: string; hunks: Hunk[] }[] = [];
  let current: (typeof files)[number] | undefined;
  let skipOld = 0;
  let skipNew = 0;
  for (const line of text.split('\n')) {
    // Content lines of a hunk are counted off, so a removed line that reads like a header is never taken for one.
    if (skipOld > 0 || skipNew > 0) {
      if (line.startsWith('-') && skipOld > 0) {
        skipOld--;
        continue;
      }
      if (line.startsWith('+') && skipNew > 0) {
        skipNew--;
        continue;
      }
      if (line.startsWith('\\')) continue;
      skipOld = skipNew = 0;
    }
    if (line.startsWith('diff --git ')) {
      const paths = headerPaths(line.slice('diff --git '.length));
      current = { ...(paths ? { oldPath: paths[0], newPath: paths[1] } : {}), hunks: [] };
      files.push(current);
    } else if (!current) {
      continue;
    } else if (line.startsWith('rename from ')) {
      current.oldPath = unquote(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      current.newPath = unquote(line.slice('rename to '.length));
    } else if (line.startsWith('--- ')) {
      const path = line.slice(4);
      if (path === '/dev/null') delete current.oldPath;
      else current.oldPath = stripPrefix(unquote(path), 'a/');
    } else if (line.startsWith('+++ ')) {
      const path = line.slice(4);
      if (path === '/dev/null') delete current.newPath;
      else current.newPath = stripPrefix(unquote(path), 'b/');
    } else if (line.startsWith('new file mode')) {
      delete current.oldPath;
    } else if (line.startsWith('deleted file mode')) {
      delete current.newPath;
    } else {
      const match = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!match) continue;
      const hunk: Hunk = {
        oldStart: Number(match[1]),
        oldCount: match[2] === undefined ? 1 : Number(match[2]),
        newStart: Number(match[3]),
        newCount: match[4] === undefined ? 1 : Number(match[4]),
      };
      current.hunks.push(hunk);
      skipOld = hunk.oldCount;
      skipNew = hunk.newCount;
    }
  }
  return files;
}

/** `a/x b/y` (unquoted, equal halves when the paths are equal) or `"a/x" "b/y"`. */
function headerPaths(rest: string): [string, string] | undefined {
  const quoted = /^("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted?.[1] && quoted[2]) return [stripPrefix(unquote(quoted[1]), 'a/'), stripPrefix(unquote(quoted[2]), 'b/')];
  // Unquoted paths may hold spaces: the halves are equal for anything but a rename (whose paths come later).
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ') {
    const [a, b] = [rest.slice(0, half), rest.slice(half + 1)];
    if (a.startsWith('a/') && b.startsWith('b/')) return [a.slice(2), b.slice(2)];
  }
  return undefined;
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** git's C-style quoting of unusual paths (`core.quotePath`). */
function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The diff of a file by its old path (a file no diff names is unchanged). */
export function diffOfOldPath(diffs: readonly FileDiff[], path: string): FileDiff | undefined {
  return diffs.find((d) => d.oldPath === path);
}

/**
 * Where the lines of `range` are after the file's edits: unchanged lines shift, lines of a rewritten block become
 * that block, deleted lines are dropped. undefined when none is left.
 */
export function carryRange(range: LineRange, hunks: readonly Hunk[]): LineRange | undefined {
  const kept: number[] = [];
  for (let line = range[0]; line <= range[1]; line++) {
    let shift = 0;
    let rewritten: Hunk | undefined;
    for (const hunk of hunks) {
      if (hunk.oldCount > 0 && line >= hunk.oldStart && line < hunk.oldStart + hunk.oldCount) {
        rewritten = hunk;
        break;
      }
      const before = hunk.oldCount > 0 ? hunk.oldStart + hunk.oldCount - 1 < line : hunk.oldStart < line;
      if (before) shift += hunk.newCount - hunk.oldCount;
    }
    if (!rewritten) kept.push(line + shift);
    else if (rewritten.newCount > 0) kept.push(rewritten.newStart, rewritten.newStart + rewritten.newCount - 1);
  }
  if (kept.length === 0) return undefined;
  return [Math.min(...kept), Math.max(...kept)];
}

/**
 * The lines of the new file that a change makes to `range` (lines of the old file): what a reviewer should see
 * annotated. Rewritten lines map one to one when the block keeps its length; deleted lines have no new line.
 */
export function touchedLines(range: LineRange, hunks: readonly Hunk[]): LineRange[] {
  const touched: LineRange[] = [];
  const [start, end] = range;
  for (const hunk of hunks) {
    if (hunk.newCount === 0) continue;
    const newEnd = hunk.newStart + hunk.newCount - 1;
    if (hunk.oldCount === 0) {
      // Lines inserted between two lines of the range.
      if (hunk.oldStart >= start && hunk.oldStart < end) touched.push([hunk.newStart, newEnd]);
      continue;
    }
    const oldEnd = hunk.oldStart + hunk.oldCount - 1;
    if (hunk.oldStart > end || oldEnd < start) continue;
    if (hunk.oldCount === hunk.newCount) {
      const from = Math.max(start, hunk.oldStart) - hunk.oldStart + hunk.newStart;
      const to = Math.min(end, oldEnd) - hunk.oldStart + hunk.newStart;
      touched.push([from, to]);
    } else {
      touched.push([hunk.newStart, newEnd]);
    }
  }
  return mergeRanges(touched);
}

export function mergeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

export function overlaps(a: LineRange, b: LineRange): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
