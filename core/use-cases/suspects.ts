// "What changed?": the changes deployed to the incident's environment before it was declared, ranked as suspects
// (core/domain/suspects.ts), for every face (CLI, editor, language model tool, MCP). Reads only; a bounded budget:
// 1 deployments list, one status read per deployment examined, 1 compare, ≤ 10 commit reads, ≤ 10 PR lookups.
import { parseCodeowners } from '../domain/codeowners';
import type { FirebreakConfig } from '../domain/config';
import { repoSlug, type Incident, type RepoRef } from '../domain/incident';
import { environmentsFor, rankSuspects, type ChangedCommit } from '../domain/suspects';
import {
  OctokitChangesGateway,
  type ChangesGateway,
  type ComparedCommit,
  type DeploymentRecord,
  type PullRef,
} from '../github/changes-gateway';
import { FirebreakError } from '../domain/errors';
import type { Connection } from '../wiring';

/** At most this many commits are read from GitHub, and this many suspects get their pull request looked up. */
export const MAX_LOOKUPS = 10;

/** The local repository, when there is one: a commit's files without asking GitHub. */
export interface LocalCommits {
  changedFiles(sha: string): Promise<string[] | undefined>;
  /** The commits after base up to head, oldest first, when the repository has both. */
  commitsBetween?(base: string, head: string): Promise<ComparedCommit[] | undefined>;
}

export interface SuspectsDeps {
  readonly config: FirebreakConfig;
  /** GitHub's changes and deploys of one repository. */
  changes(repo: RepoRef): ChangesGateway;
  readonly local?: LocalCommits;
  /** The deployed repository's CODEOWNERS text, when the face has it at hand (a tie-breaker only). */
  readonly codeowners?: string;
}

export interface SuspectsInput {
  /** The incident with its timeline (ShowIncident). */
  readonly incident: Incident;
  /** Overrides the environments derived from the incident's services (config `environments`). */
  readonly environment?: string;
}

export interface Deploy {
  readonly sha: string;
  readonly deployedAt: string;
}

export interface Suspect {
  readonly sha: string;
  readonly message: string;
  readonly author: string;
  readonly pr: PullRef | null;
  readonly files: readonly string[];
  readonly score: number;
  readonly reasons: readonly string[];
}

export interface SuspectsResult {
  readonly incident: number;
  readonly environment: string | null;
  readonly lastGood: Deploy | null;
  readonly deployed: Deploy | null;
  /** Highest score first. */
  readonly suspects: readonly Suspect[];
  /** Where the deployments were read (owner/name). */
  readonly repository: string;
  /** Why there are no suspects, in a sentence; absent when there are. */
  readonly note?: string;
}

export class Suspects {
  constructor(private readonly deps: SuspectsDeps) {}

  /** The deployments' repository: the configured one (the first), else the incident's. */
  repositoryFor(incident: Incident): RepoRef {
    return this.deps.config.deployments?.repositories[0] ?? incident.repo;
  }

  async run(input: SuspectsInput): Promise<SuspectsResult> {
    const { incident } = input;
    const repo = this.repositoryFor(incident);
    const gateway = this.deps.changes(repo);
    const environments = input.environment
      ? [input.environment]
      : environmentsFor(this.deps.config.environments, incident.services);
    const environment = environments[0] ?? 'production';
    const base = { incident: incident.number, environment, repository: repoSlug(repo) };
    const where = `${environment} of ${repoSlug(repo)}`;
    const { deployed, lastGood, listed } = await this.deploys(gateway, environment, incident.timestamps.declared);
    const empty = (note: string): SuspectsResult => ({
      ...base,
      lastGood: lastGood ? deploy(lastGood) : null,
      deployed: deployed ? deploy(deployed) : null,
      suspects: [],
      note,
    });
    if (listed === 0) return empty(`No deployments to ${where}: there is no deploy to suspect.`);
    if (!deployed)
      return empty(`No successful deployment to ${where} before incident #${incident.number} was declared.`);
    if (!lastGood)
      return empty(
        `No earlier successful deployment to ${where} with another commit than ${deployed.sha.slice(0, 7)}: ` +
          'nothing to compare it with.',
      );
    const commits = await this.compare(gateway, lastGood.sha, deployed.sha);
    if (commits.length === 0) return empty(`The deployed commit adds nothing to the last good one.`);
    const withFiles = await this.withFiles(gateway, commits);
    const ranked = rankSuspects(withFiles, this.context(incident, repo));
    const pulls = await Promise.all(ranked.slice(0, MAX_LOOKUPS).map((c) => gateway.pullOf(c.sha)));
    return {
      ...base,
      lastGood: deploy(lastGood),
      deployed: deploy(deployed),
      suspects: ranked.map((c, i) => ({
        sha: c.sha,
        message: c.message,
        author: c.author,
        pr: pulls[i] ?? null,
        files: [...(c.files ?? [])],
        score: c.score,
        reasons: [...c.reasons],
      })),
    };
  }

  /** GitHub's compare; when GitHub does not know the commits (404) but the local repository has them, git's log. */
  private async compare(gateway: ChangesGateway, base: string, head: string): Promise<ComparedCommit[]> {
    try {
      return await gateway.compare(base, head);
    } catch (error) {
      const local = this.deps.local;
      if (!(error instanceof FirebreakError && error.code === 'not-found') || !local?.commitsBetween) throw error;
      const commits = await local.commitsBetween(base, head);
      if (!commits) throw error;
      return commits;
    }
  }

  /** Deployed: the latest created before the declare whose latest status is success; last good: the one before. */
  private async deploys(
    gateway: ChangesGateway,
    environment: string,
    declaredAt: string,
  ): Promise<{ deployed?: DeploymentRecord; lastGood?: DeploymentRecord; listed: number }> {
    const all = await gateway.listDeployments(environment);
    const declared = Date.parse(declaredAt);
    const before = all
      .filter((d) => Date.parse(d.createdAt) < declared)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
    let deployed: DeploymentRecord | undefined;
    for (const d of before) {
      const status = await gateway.latestStatus(d.id);
      if (status?.state !== 'success') continue;
      if (!deployed) deployed = d;
      else if (d.sha !== deployed.sha) return { deployed, lastGood: d, listed: all.length };
    }
    return { ...(deployed ? { deployed } : {}), listed: all.length };
  }

  /** Each commit's own files: from the local repository when it has the commit, else GitHub (newest 10 only). */
  private async withFiles(
    gateway: ChangesGateway,
    commits: readonly { sha: string; message: string; author: string; date: string }[],
  ): Promise<ChangedCommit[]> {
    const local = await Promise.all(commits.map((c) => this.deps.local?.changedFiles(c.sha) ?? undefined));
    const missing = commits
      .map((c, i) => ({ sha: c.sha, i }))
      .filter(({ i }) => local[i] === undefined)
      .reverse()
      .slice(0, MAX_LOOKUPS);
    const read = await Promise.all(missing.map(({ sha }) => gateway.commitFiles(sha)));
    missing.forEach(({ i }, n) => (local[i] = read[n]));
    return commits.map((c, i) => {
      const files = local[i];
      return files === undefined ? { ...c } : { ...c, files };
    });
  }

  private context(incident: Incident, repo: RepoRef) {
    const slug = repoSlug(repo).toLowerCase();
    const services = this.deps.config.services.filter((s) =>
      incident.services.some((name) => name.toLowerCase() === s.name.toLowerCase()),
    );
    const codePaths = incident.timeline.flatMap((e) =>
      'code' in e && e.code && e.code.repo.toLowerCase() === slug ? [e.code.path] : [],
    );
    const people = [...services.flatMap((s) => s.owners), ...Object.values(incident.roles)];
    return {
      services,
      codePaths,
      people,
      ...(this.deps.codeowners !== undefined ? { codeowners: parseCodeowners(this.deps.codeowners) } : {}),
    };
  }
}

function deploy(d: DeploymentRecord): Deploy {
  return { sha: d.sha, deployedAt: d.createdAt };
}

export interface SuspectsOptions {
  readonly local?: LocalCommits;
  readonly codeowners?: string;
}

/** The suspects use case over a connection (core/wiring.ts), as the CLI, the editor and MCP build it. */
export function suspectsFor(connection: Connection, options: SuspectsOptions = {}): Suspects {
  return new Suspects({
    config: connection.config,
    changes: (repo) => new OctokitChangesGateway(repo, connection.client),
    ...(options.local ? { local: options.local } : {}),
    ...(options.codeowners !== undefined ? { codeowners: options.codeowners } : {}),
  });
}
