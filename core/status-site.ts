// Builds the status page and writes it to a directory, for the CLI (`firebreak status-page --out DIR`) and the
// Action (`mode: status-page`). The site is rendered in memory and written into a fresh sibling directory, which
// replaces the output only once every file is there: a failed build leaves the previous site as it was.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { statusPageConfig } from './domain/config';
import { ConfigError } from './domain/errors';
import { createSiteRenderer } from './domain/status-page-render';
import { StatusPage, type StatusPageResult } from './use-cases/status-page';
import type { Connection } from './wiring';

export interface PublishOptions {
  /** The checkout's root: the logo is read from here. */
  readonly root: string;
  /** Where the site goes (relative to `root` unless absolute). */
  readonly outDir: string;
  readonly title?: string;
  readonly baseUrl?: string;
  readonly now?: () => Date;
}

export interface PublishResult extends StatusPageResult {
  /** The absolute path of the written site. */
  readonly outDir: string;
}

/** The logo's bytes, checked before anything is fetched: a wrong path names the config field. */
async function readLogo(connection: Connection, root: string): Promise<{ name: string; bytes: Buffer } | undefined> {
  const logo = statusPageConfig(connection.config).logo;
  if (!logo) return undefined;
  const full = resolve(root, logo);
  const rel = relative(root, full);
  const problem = (message: string) =>
    new ConfigError([{ file: connection.config.source, line: 1, column: 1, field: 'status-page.logo', message }]);
  if (rel.startsWith('..') || isAbsolute(rel)) throw problem(`logo "${logo}" is outside the repository`);
  try {
    if (!(await stat(full)).isFile()) throw problem(`logo "${logo}" is not a file`);
    return { name: `logo${extname(full).toLowerCase()}`, bytes: await readFile(full) };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw problem(`logo "${logo}" does not exist in the repository`);
  }
}

export async function publishStatusPage(connection: Connection, options: PublishOptions): Promise<PublishResult> {
  const siteRenderer = createSiteRenderer(connection.templates, connection.config.templates ?? '');
  const logo = await readLogo(connection, options.root);
  const result = await new StatusPage({
    config: connection.config,
    gateway: connection.gateway,
    authority: connection.authority,
    siteRenderer,
    ...(options.now ? { now: options.now } : {}),
  }).build({
    ...(options.title ? { title: options.title } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(logo ? { logoFile: logo.name } : {}),
  });
  const outDir = resolve(options.root, options.outDir);
  const parent = dirname(outDir);
  await mkdir(parent, { recursive: true });
  const fresh = join(parent, `.${basename(outDir)}.${randomBytes(4).toString('hex')}.new`);
  try {
    for (const file of result.files) {
      const target = join(fresh, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    if (logo) await writeFile(join(fresh, logo.name), logo.bytes);
    await replaceDirectory(fresh, outDir);
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
  return { ...result, outDir };
}

/** Swaps `fresh` in for `target`; the old site is removed only after the new one is in place. */
async function replaceDirectory(fresh: string, target: string): Promise<void> {
  const old = `${fresh}.old`;
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(fresh, target);
  } catch (error) {
    if (moved) await rename(old, target);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
