// Required checks that flip by themselves: the commit status `firebreak/freeze` on the head of every open pull
// request (and the default branch), `failure` while incidents freeze merges and `success` when not, written only
// where the state changes. A branch protection rule or ruleset that requires the check then blocks merging at
// declare and unblocks at resolve, with no CI rerun.
//
// GitHub may deliver any subset of an incident's events, in any order, late or twice (a concurrency group keeps one
// pending run and cancels the rest), so no run trusts its event. Each run decides from the open incidents now and
// compares with the record of the last decision: the default branch head's status, written last, whose description
// names what froze. Equal: nothing to do (the incident list and one status read). Different: the state of each pull
// request under the record and under the decision now follow from the pull request list alone, so only the flips
// are written, then the record. Before the first flip the record is set `pending`: a run that dies mid-way leaves it
// so, and the next run, whatever it decides, reads each pull request's status instead of trusting the record, as a
// run without a record (or a scheduled reconcile) does.
import type { Authority } from '../authority';
import type { FirebreakConfig } from '../domain/config';
import type { CommitState, CommitStatusGateway, PullSummary } from '../github/commit-statuses';
import { decideFreeze, type FreezeDecision, type FreezeIssues } from './freeze-decision';
import { honouredClaims, pullHotfixKey, recordHotfix, withHotfix, type HotfixClaim, type HotfixVerb } from './hotfix';
import type { Incident } from '../domain/incident';
import type { IncidentContext } from './incident-context';

export const FREEZE_CONTEXT = 'firebreak/freeze';

export interface FreezeStatus {
  readonly state: Extract<CommitState, 'success' | 'failure'>;
  readonly description: string;
}

/** What froze: public incidents by number, private ones only counted. */
interface Frozen {
  readonly numbers: readonly number[];
  readonly privateCount: number;
}

const NOT_FROZEN = 'No active incident freezes merges';
/** Marks the default branch's status as the record: a change status of the same commit never reads as one. */
const RECORD_SUFFIX = ' (open pull requests updated)';

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function frozenBy(frozen: Frozen): string {
  const { numbers, privateCount } = frozen;
  const names = [
    ...numbers.map((n) => `#${n}`),
    ...(privateCount > 0 ? [privateCount === 1 ? 'a private incident' : `${privateCount} private incidents`] : []),
  ];
  return names.length === 0 ? NOT_FROZEN : `Frozen by ${joinNames(names)} until resolved`;
}

function frozenOf(decision: FreezeDecision): Frozen {
  return { numbers: decision.freezing.map((i) => i.number), privateCount: decision.privateFreezing.length };
}

/** The status a change gets from a decision, its honoured hotfix claims applied. Never names a private incident. */
export function freezeStatus(
  decision: FreezeDecision,
  hotfixed: readonly { readonly incident: Incident }[] = [],
): FreezeStatus {
  const claimed = new Set(hotfixed.map((h) => h.incident.number));
  const frozen = frozenOf(decision);
  const own = { ...frozen, numbers: frozen.numbers.filter((n) => !claimed.has(n)) };
  if (own.numbers.length + own.privateCount === 0) {
    const passed = frozen.numbers.filter((n) => claimed.has(n));
    return {
      state: 'success',
      description:
        passed.length > 0 ? `Hotfix for ${joinNames(passed.map((n) => `#${n}`))}: passes its freeze` : NOT_FROZEN,
    };
  }
  const description = frozenBy(own);
  const count = own.numbers.length + own.privateCount;
  return {
    state: 'failure',
    description: description.length <= 140 ? description : `Frozen by ${count} incidents until resolved`,
  };
}

/** The record's description: what froze, in full, or undefined when it does not fit a status (140 characters). */
function recordDescription(frozen: Frozen): string | undefined {
  const text = `${frozenBy(frozen)}${RECORD_SUFFIX}`;
  return text.length <= 140 ? text : undefined;
}

/** What the record says froze; undefined when it is no record (missing, pending, cut, or written by another). */
export function readRecord(status: {
  readonly state?: CommitState;
  readonly description?: string;
}): Frozen | undefined {
  if ((status.state !== 'success' && status.state !== 'failure') || !status.description) return undefined;
  const numbers = [...status.description.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));
  const count = /(\d+) private incidents/.exec(status.description)?.[1];
  const privateCount = count ? Number(count) : status.description.includes('a private incident') ? 1 : 0;
  const frozen = { numbers, privateCount };
  // Only a description this module wrote, exactly: anything else is read as no record.
  const expected = recordDescription(frozen);
  const state = numbers.length + privateCount > 0 ? 'failure' : 'success';
  return expected === status.description && state === status.state ? frozen : undefined;
}

function sameFrozen(a: Frozen, b: Frozen): boolean {
  const key = (f: Frozen) => `${[...f.numbers].sort((x, y) => x - y).join(',')}|${f.privateCount}`;
  return key(a) === key(b);
}

/** A pull request's state under a record, with its honoured claims. */
function stateUnder(record: Frozen, claims: readonly HotfixClaim[]): FreezeStatus['state'] {
  const open = record.numbers.filter((n) => !claims.some((c) => c.number === n));
  return open.length + record.privateCount > 0 ? 'failure' : 'success';
}

export interface StatusSyncInput {
  readonly config: FirebreakConfig;
  /** The open incident issues now (readFreezeIssues). */
  readonly read: FreezeIssues;
  readonly options?: Parameters<typeof decideFreeze>[2];
  /** Who may claim the hotfix lane (GitHub's permission API). */
  readonly authority: Authority;
  /** Records the hotfix lane's passes (the same entry the gate records); without it, nothing is recorded. */
  readonly service?: () => Promise<IncidentContext>;
  /** Read every pull request's status (a scheduled run), whatever the record says: heals anything else. */
  readonly reconcile?: boolean;
  /** Only pull requests into these base branches (default: all). */
  readonly branches?: readonly string[];
  /** The default branch: its head carries the record. Without it (or outside `branches`), every run reads all. */
  readonly defaultBranch?: string;
  /** The run, linked from each status. */
  readonly targetUrl?: string;
  readonly now?: Date;
}

export interface StatusSyncResult {
  readonly decision: FreezeDecision;
  /** Pull requests considered (after the branches filter); undefined when the record showed nothing changed. */
  readonly pulls?: number;
  /** Statuses written: pull request number (or the default branch name) and the new state. */
  readonly written: readonly { readonly target: string; readonly state: FreezeStatus['state'] }[];
  readonly unchanged: number;
}

interface Flip {
  readonly target: string;
  readonly sha: string;
  readonly status: FreezeStatus;
}

/** Sets `firebreak/freeze` where its state differs from the decision now: open pull requests, then the record. */
export async function syncFreezeStatuses(
  statuses: CommitStatusGateway,
  input: StatusSyncInput,
): Promise<StatusSyncResult> {
  const decision = decideFreeze(input.config, input.read, input.options);
  const now = frozenOf(decision);
  const branches = input.branches?.length ? new Set(input.branches) : undefined;
  const recordBranch =
    input.defaultBranch && (!branches || branches.has(input.defaultBranch)) ? input.defaultBranch : undefined;
  const head = recordBranch ? await statuses.statusOf(recordBranch, FREEZE_CONTEXT) : undefined;
  const record = head && !input.reconcile ? readRecord(head) : undefined;
  if (record && sameFrozen(record, now)) return { decision, written: [], unchanged: 1 };

  const pulls = (await statuses.listOpenPulls()).filter((p) => !branches || branches.has(p.baseRef));
  const weighed = new Set([...now.numbers, ...(record?.numbers ?? [])]);
  const flips: Flip[] = [];
  const passes: { pull: PullSummary; hotfixed: { incident: Incident; verb: HotfixVerb }[] }[] = [];
  let unchanged = 0;
  // Several pull requests may share a head commit: one status per commit.
  const seen = new Set<string>();
  for (const pull of pulls) {
    if (seen.has(pull.headSha)) continue;
    seen.add(pull.headSha);
    const claims = await honouredClaims(
      input.authority,
      { text: `${pull.title}\n${pull.body}`, actor: pull.author, fork: pull.fork, repo: statuses.repo },
      (n) => weighed.has(n),
    );
    const { hotfixed } = withHotfix(decision, claims);
    if (hotfixed.length > 0) passes.push({ pull, hotfixed });
    const next = freezeStatus(decision, hotfixed);
    const before = record ? stateUnder(record, claims) : (await statuses.statusOf(pull.headSha, FREEZE_CONTEXT)).state;
    if (before === next.state) unchanged++;
    else flips.push({ target: `#${pull.number}`, sha: pull.headSha, status: next });
  }

  const write = (sha: string, status: { state: CommitState; description: string }) =>
    statuses.createStatus(sha, {
      context: FREEZE_CONTEXT,
      ...status,
      ...(input.targetUrl ? { targetUrl: input.targetUrl } : {}),
    });
  const target = freezeStatus(decision);
  if (head && flips.length > 0) {
    // Flips in flight: a run that dies before the record is written leaves this, and the next one reads them all.
    await write(head.sha, { state: 'pending', description: `Updating pull requests: ${target.description}` });
  }
  const written: { target: string; state: FreezeStatus['state'] }[] = [];
  for (const flip of flips) {
    await write(flip.sha, flip.status);
    written.push({ target: flip.target, state: flip.status.state });
  }
  await recordPasses(input, statuses, passes);
  if (head && recordBranch) {
    const description = recordDescription(now) ?? target.description;
    if (head.state === target.state && head.description === description && flips.length === 0) unchanged++;
    else {
      await write(head.sha, { state: target.state, description });
      written.push({ target: recordBranch, state: target.state });
    }
  }
  return { decision, pulls: pulls.length, written, unchanged };
}

/** The hotfix lane's passes, recorded as the gate records them (same key: one entry per pull request and incident). */
async function recordPasses(
  input: StatusSyncInput,
  statuses: CommitStatusGateway,
  passes: readonly { pull: PullSummary; hotfixed: { incident: Incident; verb: HotfixVerb }[] }[],
): Promise<void> {
  if (!input.service || passes.length === 0) return;
  const service = await input.service();
  for (const { pull, hotfixed } of passes) {
    await recordHotfix(
      service,
      hotfixed,
      {
        actor: pull.author,
        repo: statuses.repo,
        change: pull.url,
        key: pullHotfixKey(statuses.repo, pull.number),
        sha: pull.headSha,
        ref: pull.headRef,
        ...(input.targetUrl ? { runUrl: input.targetUrl } : {}),
      },
      input.now ?? new Date(),
    );
  }
}

/** The status of one change (a pull request's head, a merge group's head) with its honoured hotfix claims. */
export async function setChangeStatus(
  statuses: CommitStatusGateway,
  decision: FreezeDecision,
  change: {
    readonly sha: string;
    readonly hotfixed: readonly { readonly incident: Incident }[];
    readonly targetUrl?: string;
  },
): Promise<FreezeStatus> {
  const status = freezeStatus(decision, change.hotfixed);
  await statuses.createStatus(change.sha, {
    context: FREEZE_CONTEXT,
    state: status.state,
    description: status.description,
    ...(change.targetUrl ? { targetUrl: change.targetUrl } : {}),
  });
  return status;
}

export type { PullSummary };
