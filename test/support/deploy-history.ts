// A deploy history for the suspects suites: a real git repository with a bare `origin`, the same commits seeded in
// the sandbox (with pull requests), and deployments to production around an incident's declare: a successful last
// good deploy, a failed one, the deployed one, and one after the declare that must be ignored.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../core/domain/config';
import { createCommitDirect, createDeploymentDirect } from '../../sandbox/changes';
import type { Sandbox } from '../../sandbox/server';
import { REPO_SLUG } from './fixtures';
import { GitRepo } from './git-repo';

export const HISTORY_CONFIG_TEXT = [
  'services:',
  '  checkout:',
  '    paths: ["src/checkout/**"]',
  '    owners: ["octo-lead"]',
  '  search:',
  '    paths: ["src/search/**"]',
  'environments:',
  '  production: [checkout, search]',
  '  staging: [search]',
  'deployments:',
  '  rollback-workflow: rollback.yml',
  '',
].join('\n');

export const HISTORY_CONFIG = parseConfig(HISTORY_CONFIG_TEXT);

/** A git repository whose `origin` is a bare repository in a temp directory (pushes land there). */
export class OriginRepo extends GitRepo {
  readonly origin = mkdtempSync(join(tmpdir(), 'firebreak-origin-'));

  constructor() {
    super();
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', this.origin]);
    this.git('remote', 'add', 'origin', this.origin);
  }

  push(): void {
    this.git('push', '--quiet', 'origin', 'main');
  }

  /** A git command in the bare origin. */
  inOrigin(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.origin, encoding: 'utf8' }).trim();
  }

  override dispose(): void {
    super.dispose();
    rmSync(this.origin, { recursive: true, force: true });
  }
}

export interface History {
  readonly repo: OriginRepo;
  /** The last good deploy's commit. */
  readonly good: string;
  readonly search: string;
  /** The change under the checkout service's paths: the one to suspect first. */
  readonly checkout: string;
  readonly docs: string;
  /** Committed and deployed after the declare. */
  readonly later: string;
  /** When the incident is declared: between the deployed deploy and the later one. */
  readonly declareAt: Date;
}

const HOUR = 3_600_000;

/**
 * Commits in git and in the sandbox; deployments of good (success), search (failure) and docs (success) before
 * `declareAt`, and of later (success) after it. The caller declares the incident at `declareAt`.
 */
export function seedHistory(sandbox: Sandbox, now = new Date()): History {
  const repo = new OriginRepo();
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  const commit = (message: string, files: Record<string, string>, author: string, hoursAgo: number) => {
    for (const [path, text] of Object.entries(files)) repo.write(path, text);
    const sha = repo.commit(message);
    createCommitDirect(sandbox.store, REPO_SLUG, {
      sha,
      message,
      files: Object.keys(files),
      author,
      date: at(hoursAgo),
      pull: { title: message.split('\n')[0] ?? message },
    });
    return sha;
  };
  const good = commit(
    'Start the shop',
    { 'src/checkout/pay.ts': 'export const pay = 1;\n', 'docs/readme.md': 'shop\n', 'src/search/index.ts': '1\n' },
    'octo-dev',
    10,
  );
  const search = commit('Faster search', { 'src/search/index.ts': '2\n' }, 'octo-dev', 6);
  const checkout = commit('Retry payments twice', { 'src/checkout/pay.ts': 'export const pay = 2;\n' }, 'octo-dev', 5);
  const docs = commit('Document the shop', { 'docs/readme.md': 'the shop\n' }, 'octo-comms', 4);
  repo.push();
  const deploy = (sha: string, hoursAgo: number, states: ('success' | 'failure' | 'in_progress')[]) =>
    createDeploymentDirect(sandbox.store, REPO_SLUG, {
      sha,
      environment: 'production',
      states,
      createdAt: at(hoursAgo),
    });
  deploy(good, 9, ['in_progress', 'success']);
  deploy(search, 5.5, ['in_progress', 'failure']);
  deploy(docs, 3, ['in_progress', 'success']);
  const later = commit('Tune the cache', { 'src/checkout/cache.ts': 'x\n' }, 'octo-dev', 0.5);
  repo.push();
  deploy(later, 0.25, ['success']);
  return { repo, good, search, checkout, docs, later, declareAt: at(1) };
}
