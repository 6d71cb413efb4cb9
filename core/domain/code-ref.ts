// Code references for timeline entries: a permalink to lines at a commit, and a short snippet of those lines.
import { parseRepo } from './config';
import { InputError } from './errors';
import type { CodeRef, RepoRef } from './incident';
import { repoSlug } from './incident';

const SNIPPET_MAX_LINES = 30;
const SNIPPET_MAX_CHARS = 3000;

const LANGUAGES: Readonly<Record<string, string>> = {
  ts: 'ts',
  tsx: 'tsx',
  js: 'js',
  jsx: 'jsx',
  mjs: 'js',
  cjs: 'js',
  py: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  rb: 'ruby',
  php: 'php',
  cs: 'csharp',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  sh: 'bash',
  yml: 'yaml',
  yaml: 'yaml',
  json: 'json',
  md: 'markdown',
  sql: 'sql',
  tf: 'hcl',
  swift: 'swift',
  scala: 'scala',
  hbs: 'handlebars',
};

/** owner/name from a git remote URL (https, ssh or scp-like), or undefined when it is not a GitHub-style remote. */
export function parseRemoteUrl(url: string): RepoRef | undefined {
  const match = /(?:[:/])([A-Za-z0-9-_.]+)\/([A-Za-z0-9-_.]+?)(?:\.git)?\/?$/.exec(url.trim());
  if (!match?.[1] || !match[2]) return undefined;
  // Only names GitHub allows: a remote like `host:../..` must not become a path in an API request.
  return parseRepo(`${match[1]}/${match[2]}`);
}

/** `12-18` or `12` -> [12, 18]. */
export function parseLineRange(text: string): [number, number] {
  const match = /^(\d+)(?:\s*[-:]\s*(\d+))?$/.exec(text.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2] ?? match?.[1]);
  if (!match || start < 1 || end < start)
    throw new InputError(`"${text}" is not a line range.`, 'Use START-END with 1 <= START <= END, e.g. 12-18.');
  return [start, end];
}

export interface CodeRefInput {
  readonly repo: RepoRef;
  readonly webUrl: string;
  readonly commit: string;
  /** Path relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** The whole file's text, to cut the snippet from (optional). */
  readonly fileText?: string;
}

export function buildCodeRef(input: CodeRefInput): CodeRef {
  const path = input.path.replace(/\\/g, '/').replace(/^\.\//, '');
  // A permalink and snippet are of a file in the repository: a path that climbs out of it is a mistake or worse.
  if (/^[A-Za-z]:|^\/|(?:^|\/)\.\.(?:\/|$)/.test(path) || path === '')
    throw new InputError(
      `"${input.path}" is not a path inside the repository.`,
      'Link a file of this repository, relative to its root.',
    );
  if (!/^[0-9a-f]{7,40}$/i.test(input.commit)) throw new InputError(`"${input.commit}" is not a commit SHA.`);
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  const lines = input.startLine === input.endLine ? `L${input.startLine}` : `L${input.startLine}-L${input.endLine}`;
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  const snippet = input.fileText === undefined ? undefined : cutSnippet(input.fileText, input.startLine, input.endLine);
  const language = LANGUAGES[extension];
  return {
    repo: repoSlug(input.repo),
    path,
    startLine: input.startLine,
    endLine: input.endLine,
    commit: input.commit,
    permalink: `${input.webUrl.replace(/\/+$/, '')}/${repoSlug(input.repo)}/blob/${input.commit}/${encodedPath}#${lines}`,
    ...(snippet !== undefined ? { snippet } : {}),
    ...(language ? { language } : {}),
  };
}

function cutSnippet(text: string, start: number, end: number): string | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (start > lines.length) return undefined;
  const picked = lines.slice(start - 1, Math.min(end, start - 1 + SNIPPET_MAX_LINES));
  let snippet = picked.join('\n');
  if (snippet.length > SNIPPET_MAX_CHARS) snippet = `${snippet.slice(0, SNIPPET_MAX_CHARS)}…`;
  if (end - start + 1 > SNIPPET_MAX_LINES) snippet += `\n… (${end - start + 1 - SNIPPET_MAX_LINES} more lines)`;
  return snippet;
}
