// Shared setup of the reliability campaign: the two sizes (short in `npm test`, full with
// FIREBREAK_RELIABILITY=full), the seeds, distinctive fake tokens that every run scans its captured text for, and
// clients built the way the edges build them, pointed at a sandbox.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { main } from '../../cli/main';
import { defaultConfig, type FirebreakConfig } from '../../core/domain/config';
import { FirebreakError } from '../../core/domain/errors';
import { readIncidentMarker, readMarker } from '../../core/domain/event-log';
import type { GitHubClient, Logger } from '../../core/github/github-client';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import type { RepoRef } from '../../core/domain/incident';
import type { IssueGateway } from '../../core/github/issue-gateway';
import { wired } from '../support/fixtures';
import { DEFAULT_USERS, startSandbox, type FaultKind, type Sandbox, type SandboxOptions } from '../../sandbox/server';

/** `full` for `npm run test:reliability`; anything else is the short run inside `npm test`. */
export const FULL = process.env['FIREBREAK_RELIABILITY'] === 'full';

/** One seed for the whole campaign; every scenario and property derives its own from it. */
export const SEED = Number(process.env['FIREBREAK_SEED'] ?? 20261123);

export const SIZE = FULL
  ? {
      entries: 1000,
      declares: 100,
      checklist: 50,
      queued: 100,
      rateLimitResetSeconds: 5,
      cases: 10_000,
      sandboxCases: 150,
      freezeChecks: 50,
    }
  : {
      entries: 50,
      declares: 10,
      checklist: 6,
      queued: 10,
      rateLimitResetSeconds: 3,
      cases: 200,
      sandboxCases: 5,
      freezeChecks: 10,
    };

export const CLIENTS = 5;
export const REPO: RepoRef = { owner: 'acme', name: 'incidents' };
export const SLUG = `${REPO.owner}/${REPO.name}`;
export const PRIVATE_REPO: RepoRef = { owner: 'acme', name: 'incidents-private' };
export const PRIVATE_SLUG = `${PRIVATE_REPO.owner}/${PRIVATE_REPO.name}`;

// Distinctive fake tokens: long enough that a hit in a scan can only be a leak, never a coincidence.
const canary = (kind: string, n: number) =>
  `${kind}_FbCanary${String(n).padStart(2, '0')}x7Qz9Lr2Vt5Wm8Kp3Hd6Jy4Nc1Bs0`;
export interface Engineer {
  readonly login: string;
  readonly token: string;
}
export const ENGINEERS: readonly Engineer[] = Array.from({ length: CLIENTS }, (_, i) => ({
  login: `oncall-${i + 1}`,
  token: canary('ghp', i + 1),
}));
/** The engineer at a terminal: the CLI's token. */
export const CLI_USER: Engineer = { login: 'oncall-cli', token: canary('ghp', 50) };
export const ACTION_TOKEN = canary('ghs', 90);
export const ACTION_BOT = 'firebreak-ci[bot]';
/** A token GitHub does not know (401), to provoke the error paths. */
export const UNKNOWN_TOKEN = canary('ghp', 99);
/** A user who can read but not push: their markers must not count. */
export const OUTSIDER = { login: 'drive-by', token: canary('ghp', 98) };
export const SECRETS: readonly string[] = [
  ...ENGINEERS.map((e) => e.token),
  CLI_USER.token,
  ACTION_TOKEN,
  UNKNOWN_TOKEN,
  OUTSIDER.token,
];

export const ALL_FAULTS: FaultKind[] = [
  'http500',
  'http502',
  'http503',
  'reset',
  'secondary-rate-limit',
  'applied-502',
];

/**
 * The fault plan of the campaign: ~10% of all requests, every kind. `retryAfterSeconds: 1` is the smallest
 * retry-after a secondary limit can carry (0 would make octokit fall back to its 60 s default), and each costs a
 * real second: the short run leaves secondary limits to one deterministic fault per scenario (`failNext`) and to
 * the full run, to stay within ~30 s.
 */
export function faultPlan(seed: number, rate = 0.1) {
  return {
    rate,
    seed,
    kinds: FULL ? ALL_FAULTS : ALL_FAULTS.filter((k) => k !== 'secondary-rate-limit'),
    retryAfterSeconds: 1,
  };
}

export function sandboxOptions(extra: SandboxOptions = {}): SandboxOptions {
  return {
    users: [
      ...DEFAULT_USERS,
      ...[...ENGINEERS, CLI_USER].map((e) => ({ login: e.login, token: e.token, permission: 'write' as const })),
      { login: ACTION_BOT, token: ACTION_TOKEN, permission: 'write', type: 'Bot' },
      { login: OUTSIDER.login, token: OUTSIDER.token, permission: 'read' },
    ],
    ...extra,
  };
}

export async function startReliabilitySandbox(extra: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(sandboxOptions(extra));
  sandbox.store.ensureRepo(SLUG);
  sandbox.store.ensureRepo(PRIVATE_SLUG, { private: true });
  return sandbox;
}

/** Sandboxes started by the calling suite's tests, all closed after each test even when it failed. */
export function sandboxesForEachTest(): (extra?: SandboxOptions) => Promise<Sandbox> {
  const started: Sandbox[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (extra = {}) => {
    const sandbox = await startReliabilitySandbox(extra);
    started.push(sandbox);
    return sandbox;
  };
}

/** Fails the test when the traffic strayed from GitHub's OpenAPI description (faults themselves are not checked). */
export function assertNoViolations(sandbox: Sandbox): void {
  assert.deepEqual(sandbox.violations.splice(0), [], "every request and response matches GitHub's OpenAPI description");
}

/** A logger that keeps every line, as an edge's log (stderr, the Action log, an output channel) would show them. */
export interface CapturedLog extends Logger {
  readonly lines: string[];
  warnings(): string[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug: ${m}`),
    info: (m) => void lines.push(`info: ${m}`),
    warn: (m) => void lines.push(`warning: ${m}`),
    warnings: () => lines.filter((l) => l.startsWith('warning: ')),
  };
}

export { FAST_CLIENT } from '../support/fixtures';

export interface Client {
  readonly engineer: Engineer;
  readonly client: GitHubClient;
  readonly gateway: IssueGateway;
  readonly privateGateway: IssueGateway;
  readonly service: IncidentContext;
  readonly log: CapturedLog;
}

export interface ClientOptions {
  readonly config?: FirebreakConfig;
  /** A deterministic clock, so a faulty run and a fault-free run write identical entries. */
  readonly now?: () => Date;
  readonly timeoutMs?: number;
  /** How long a view write after a landed entry is retried (the product's default is 20 s). */
  readonly viewBudgetMs?: number;
}

/** One engineer's own client, gateway and service, as each engineer's editor or terminal would build them. */
export function clientFor(sandbox: Sandbox, engineer: Engineer, options: ClientOptions = {}): Client {
  const log = captureLog();
  const w = wired(sandbox, {
    token: engineer.token,
    actor: engineer.login,
    repo: REPO,
    config: options.config ?? { ...defaultConfig(), privateRepository: PRIVATE_REPO },
    log,
    ...(options.now ? { now: options.now } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.viewBudgetMs !== undefined ? { viewBudgetMs: options.viewBudgetMs } : {}),
  });
  const privateGateway = w.privateGateway ?? w.connection.gatewayFor(PRIVATE_REPO);
  return { engineer, client: w.client, gateway: w.gateway, privateGateway, service: w.service, log };
}

/** How often each entry key occurs among an issue's comments (any author: the ground truth in the store). */
export function entryKeyCounts(sandbox: Sandbox, slug: string, number: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const comment of sandbox.store.comments(slug, number)) {
    const key = readMarker(comment.body.split('\n', 1)[0] ?? '', 'entry')?.['key'];
    if (typeof key === 'string') counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Entry keys in comment order (the order GitHub shows them). */
export function entryKeysInOrder(sandbox: Sandbox, slug: string, number: number): string[] {
  return sandbox.store.comments(slug, number).flatMap((comment) => {
    const key = readMarker(comment.body.split('\n', 1)[0] ?? '', 'entry')?.['key'];
    return typeof key === 'string' ? [key] : [];
  });
}

/** How often each declaration key occurs among a repository's issues. */
export function declarationKeyCounts(sandbox: Sandbox, slug: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const issue of sandbox.store.issues(slug)) {
    const key = readIncidentMarker(issue.body)?.declaration.key;
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Lost (expected once, found never) and duplicated (found more than once) among the expected keys. */
export function lostAndDuplicated(
  expected: readonly string[],
  counts: ReadonlyMap<string, number>,
): { lost: string[]; duplicated: string[] } {
  return {
    lost: expected.filter((k) => !counts.get(k)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([k]) => k),
  };
}

/** Everything a person or another system can see of the sandbox: titles, bodies, comments, labels. */
export function visibleText(sandbox: Sandbox): string[] {
  const texts: string[] = [];
  for (const repo of sandbox.store.repos()) {
    for (const issue of repo.issues) texts.push(issue.title, issue.body ?? '');
    for (const comment of repo.comments) texts.push(comment.body);
    for (const label of repo.labels) texts.push(label.name, label.description ?? '');
  }
  return texts;
}

/** An error as deep as a debugger or a careless `console.log(error)` would show it, causes and request included. */
export function errorText(error: unknown): string {
  return inspect(error, { depth: 8, showHidden: false, breakLength: Infinity });
}

/** How many (text, secret) pairs leak a secret. */
export function countLeaks(texts: Iterable<string>, secrets: readonly string[] = SECRETS): number {
  let leaks = 0;
  for (const text of texts) for (const secret of secrets) if (text.includes(secret)) leaks++;
  return leaks;
}

/** What happened to the calls of one scenario besides their results. */
export interface Outcome {
  /** Typed errors (FirebreakError) that reached the caller; the caller then retried as the offline queue does. */
  surfaced: number;
  /** Anything else that escaped: a stack trace for the person. */
  crashes: number;
  /** Writes still not done after every retry. */
  gaveUp: number;
  errors: unknown[];
}

export function newOutcome(): Outcome {
  return { surfaced: 0, crashes: 0, gaveUp: 0, errors: [] };
}

/**
 * Calls `write`; when a typed error reaches the caller, retries it the way the extension's offline queue does: a
 * write that may have landed is looked up by its key (`landed`) before it is sent again. Anything untyped is a crash.
 */
export async function deliver<T>(
  outcome: Outcome,
  write: () => Promise<T>,
  landed: () => Promise<boolean>,
  attempts = 5,
): Promise<T | undefined> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      if (attempt > 1 && (await landed())) return undefined;
      return await write();
    } catch (error) {
      outcome.errors.push(error);
      if (!(error instanceof FirebreakError)) {
        outcome.crashes++;
        return undefined;
      }
      outcome.surfaced++;
    }
  }
  outcome.gaveUp++;
  return undefined;
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the `firebreak` CLI in-process against the sandbox, in an empty directory, capturing what it prints. */
export async function runCli(
  sandbox: Sandbox,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = mkdtempSync(join(tmpdir(), 'firebreak-reliability-'));
  const code = await main(
    args,
    { GITHUB_API_URL: sandbox.url, GITHUB_SERVER_URL: sandbox.webUrl, GITHUB_TOKEN: CLI_USER.token, ...env },
    { out: (t) => void out.push(t), err: (t) => void err.push(t) },
    cwd,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * What an Action run shows: its log (minus the `::add-mask::` commands, which the runner consumes so that it can
 * mask the secret everywhere else), its outputs and its job summary.
 */
export function actionTexts(run: {
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}): string[] {
  const log = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  return [...log, run.summary, JSON.stringify(run.outputs)];
}

export function seconds(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}
