// The git a history needs (core/use-cases/incident-history.ts), read with the git binary in a checked-out repository.
import { execFile } from 'node:child_process';
import type { GitRepository } from './use-cases/incident-history';

const SHA = /^[0-9a-f]{4,40}$/i;

export class GitCli implements GitRepository {
  constructor(private readonly cwd: string) {}

  async diff(from: string, to?: string): Promise<string | undefined> {
    if (!SHA.test(from) || (to !== undefined && !SHA.test(to))) return undefined;
    if (!(await this.has(from)) || (to !== undefined && !(await this.has(to)))) return undefined;
    return this.git([
      '-c',
      'core.quotePath=false',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--unified=0',
      '--find-renames',
      from,
      ...(to !== undefined ? [to] : []),
      '--',
    ]);
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    if (!SHA.test(a) || !SHA.test(b)) return undefined;
    return (await this.git(['merge-base', a, b]).catch(() => undefined))?.trim() || undefined;
  }

  /** The paths one commit changed, or undefined when this repository does not have the commit. */
  async changedFiles(commit: string): Promise<string[] | undefined> {
    if (!SHA.test(commit) || !(await this.has(commit))) return undefined;
    const out = await this.git([
      '-c',
      'core.quotePath=false',
      'diff-tree',
      '--no-commit-id',
      '--name-only',
      '-r',
      '--root',
      commit,
    ]);
    return out.split('\n').filter(Boolean);
  }

  /** The commits after `base` up to `head`, oldest first; undefined when this repository lacks either. */
  async commitsBetween(
    base: string,
    head: string,
  ): Promise<{ sha: string; message: string; author: string; date: string }[] | undefined> {
    if (!SHA.test(base) || !SHA.test(head) || !(await this.has(base)) || !(await this.has(head))) return undefined;
    const out = await this.git(['log', '--reverse', '--format=%H%x00%an%x00%aI%x00%B%x1e', `${base}..${head}`]);
    return out
      .split('\x1e')
      .map((record) => record.replace(/^\n/, ''))
      .filter(Boolean)
      .map((record) => {
        const [sha = '', author = '', date = '', message = ''] = record.split('\0');
        return { sha, author, date, message: message.trimEnd() };
      });
  }

  private async has(commit: string): Promise<boolean> {
    return this.git(['cat-file', '-e', `${commit}^{commit}`]).then(
      () => true,
      () => false,
    );
  }

  private git(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('git', args, { cwd: this.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
  }
}
