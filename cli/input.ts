// What the CLI reads from people: incident references (`12`, `#12`, `owner/name#12`), long text from a file or
// stdin, and code files for snippets, which must stay inside the repository.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../core/domain/errors';
import { repoSlug, type RepoRef } from '../core/domain/incident';

export interface IncidentAddress {
  /** The repository the reference names; absent for a bare number (the configured incident repository). */
  readonly repo?: RepoRef;
  readonly number: number;
}

// GitHub's rules: an owner is alphanumeric with single inner hyphens (39 at most), a repository name is letters,
// digits, '.', '_' and '-' (100 at most) and is never '.' or '..'.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** Issue numbers are positive and well within 32 bits; anything longer is a typo. */
const DIGITS = /^[0-9]{1,9}$/;

/** `12`, `#12` or `owner/name#12`: plain decimal digits only, so `1e0` or `0x1` is never taken for #1. */
export function parseIncidentRef(text: string | undefined, what: string, usage: string): IncidentAddress {
  const raw = text ?? '';
  const hash = raw.lastIndexOf('#');
  const slug = hash > 0 ? raw.slice(0, hash) : undefined;
  const digits = hash >= 0 ? raw.slice(hash + 1) : raw;
  const [owner = '', name = '', ...extra] = slug?.split('/') ?? [];
  const repoOk = slug === undefined || (extra.length === 0 && OWNER.test(owner) && isRepoName(name));
  const number = DIGITS.test(digits) ? Number(digits) : NaN;
  if (!raw || !repoOk || !(number > 0)) {
    throw new InputError(
      `Missing or invalid ${what}${raw ? ` "${raw}"` : ''}.`,
      `Give the issue number in decimal digits (12 or #12), or owner/name#12 for another repository. Usage: ${usage}`,
    );
  }
  return slug === undefined ? { number } : { repo: { owner, name }, number };
}

/** A plain issue number (`12` or `#12`), where no other repository makes sense. */
export function parseIssueNumber(text: string | undefined, what: string, usage: string): number {
  const address = parseIncidentRef(text, what, usage);
  if (address.repo)
    throw new InputError(`${what} "${text ?? ''}" names a repository; give the number only.`, `Usage: ${usage}`);
  return address.number;
}

function isRepoName(name: string): boolean {
  return REPO_NAME.test(name) && name !== '.' && name !== '..';
}

/** `#12` for the configured repository, `owner/name#12` for any other, so the printed reference can be reused. */
export function formatRef(repo: RepoRef, number: number, defaultRepo: RepoRef): string {
  return repoSlug(repo).toLowerCase() === repoSlug(defaultRepo).toLowerCase()
    ? `#${number}`
    : `${repoSlug(repo)}#${number}`;
}

/** Long entries come from a file: GitHub bodies hold 65,536 characters, so more than this is a wrong file. */
export const TEXT_FILE_MAX_BYTES = 1024 * 1024;

/** Text from `--text PATH`-style options: a file, or stdin for `-`. */
export async function readTextFile(path: string, cwd: string, stdin: () => Promise<string>): Promise<string> {
  if (path === '-') {
    const text = await stdin();
    if (Buffer.byteLength(text) > TEXT_FILE_MAX_BYTES)
      throw new InputError(`The text on stdin is larger than ${TEXT_FILE_MAX_BYTES / 1024} KB.`);
    return text;
  }
  const file = resolve(cwd, path);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new InputError(`Cannot read ${path}.`, 'Pass a readable text file, or - to read the text from stdin.');
  }
  if (size > TEXT_FILE_MAX_BYTES)
    throw new InputError(
      `${path} is ${Math.round(size / 1024)} KB; an entry takes at most ${TEXT_FILE_MAX_BYTES / 1024} KB.`,
      'Link a large document instead of pasting it.',
    );
  return readBounded(file, TEXT_FILE_MAX_BYTES);
}

/**
 * A file to quote in a snippet, as a path relative to the repository root. Only files inside the repository are
 * read, after resolving symlinks (a link in the checkout must not quote /etc/passwd), and never git's own files.
 */
export function repositoryFile(root: string, cwd: string, path: string): { relativePath: string; text: string } {
  const refuse = (why: string) =>
    new InputError(`Cannot quote ${path}: ${why}.`, 'Pass a file inside this repository, e.g. --file src/app.ts.');
  let real: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(resolve(cwd, path));
  } catch {
    throw refuse('it cannot be read');
  }
  const inside = relative(realRoot, real);
  if (!inside || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw refuse(`it is outside the repository ${root}`);
  if (inside.split(sep).includes('.git')) throw refuse("git's own files are not quoted");
  try {
    if (!statSync(real).isFile()) throw refuse('it is not a file');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw refuse('it cannot be read');
  }
  return { relativePath: inside.split(sep).join('/'), text: readBounded(real, TEXT_FILE_MAX_BYTES) };
}

/** Reads at most `max` bytes, so a file that grows (or a device) cannot fill memory. */
function readBounded(file: string, max: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(max);
    let length = 0;
    for (let n; length < max && (n = readSync(fd, buffer, length, max - length, null)) > 0;) length += n;
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
