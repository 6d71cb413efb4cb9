// JSON representations of store records, field for field as api.github.com sends them (checked against the
// OpenAPI description by the sandbox's own tests).
import { authorAssociation, canPush, canTriage } from './auth';
import type {
  CommentRecord,
  FileRecord,
  IssueRecord,
  LabelRecord,
  ReactionRecord,
  RepoRecord,
  SandboxStore,
  StatusRecord,
  UserRecord,
} from './store';

export interface Urls {
  api: string;
  web: string;
}

type Payload = Record<string, unknown>;

/** The `reactions` rollup every comment carries: a count per content, so readers list reactors only where needed. */
function reactions(url: string, records: readonly ReactionRecord[] = []): Payload {
  const count = (content: string) => records.filter((r) => r.content === content).length;
  return {
    url,
    total_count: records.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    hooray: count('hooray'),
    confused: count('confused'),
    heart: count('heart'),
    rocket: count('rocket'),
    eyes: count('eyes'),
  };
}

export class Payloads {
  constructor(
    private readonly store: SandboxStore,
    private readonly urls: Urls,
  ) {}

  repoApiUrl(repo: RepoRecord): string {
    return `${this.urls.api}/repos/${repo.owner}/${repo.name}`;
  }

  issueApiUrl(repo: RepoRecord, number: number): string {
    return `${this.repoApiUrl(repo)}/issues/${number}`;
  }

  commentApiUrl(repo: RepoRecord, comment: CommentRecord): string {
    return `${this.repoApiUrl(repo)}/issues/comments/${comment.id}`;
  }

  labelApiUrl(repo: RepoRecord, label: LabelRecord): string {
    return `${this.repoApiUrl(repo)}/labels/${encodeURIComponent(label.name)}`;
  }

  /** simple-user; logins that are not sandbox users (organisations owning repositories) render as organisations. */
  simpleUser(login: string, fallbackId = 0): Payload {
    const user = this.store.user(login);
    const id = user?.id ?? fallbackId;
    const name = user?.login ?? login;
    const type = user?.type ?? 'Organization';
    const url = `${this.urls.api}/users/${encodeURIComponent(name)}`;
    const isBot = type === 'Bot';
    return {
      login: name,
      id,
      node_id: Buffer.from(`${isBot ? 'Bot' : type}:${id}`).toString('base64url'),
      avatar_url: `${this.urls.web}/avatars/u/${id}?v=4`,
      gravatar_id: '',
      url,
      html_url: isBot
        ? `${this.urls.web}/apps/${encodeURIComponent(name.replace(/\[bot\]$/, ''))}`
        : `${this.urls.web}/${encodeURIComponent(name)}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type,
      user_view_type: 'public',
      site_admin: false,
    };
  }

  publicUser(user: UserRecord): Payload {
    return {
      ...this.simpleUser(user.login),
      name: null,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: user.created_at,
      updated_at: user.created_at,
    };
  }

  /** GET /user: the public profile plus the private counters GitHub shows only to the user themself. */
  privateUser(user: UserRecord): Payload {
    return {
      ...this.publicUser(user),
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
    };
  }

  label(repo: RepoRecord, label: LabelRecord): Payload {
    return {
      id: label.id,
      node_id: label.node_id,
      url: this.labelApiUrl(repo, label),
      name: label.name,
      color: label.color,
      default: label.default,
      description: label.description,
    };
  }

  /** `detail` adds what GitHub only sends for a single issue (closed_by). */
  issue(repo: RepoRecord, issue: IssueRecord, options: { detail?: boolean } = {}): Payload {
    const url = this.issueApiUrl(repo, issue.number);
    const webRepo = `${this.urls.web}/${repo.owner}/${repo.name}`;
    const children = issue.subIssueIds.flatMap((id) => this.store.issueById(id)?.issue ?? []);
    const completed = children.filter((child) => child.state === 'closed').length;
    const parent = issue.parentId === null ? undefined : this.store.issueById(issue.parentId);
    const assignees = issue.assignees.map((login) => this.simpleUser(login));
    const payload: Payload = {
      url,
      repository_url: this.repoApiUrl(repo),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${webRepo}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
      id: issue.id,
      node_id: issue.node_id,
      number: issue.number,
      title: issue.title,
      user: this.simpleUser(issue.user.login),
      labels: this.store.issueLabels(repo, issue).map((label) => this.label(repo, label)),
      state: issue.state,
      locked: issue.locked,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: null,
      comments: issue.comments,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      author_association: issue.authorAssociation ?? authorAssociation(this.store.user(issue.user.login), repo),
      type: null,
      active_lock_reason: null,
      sub_issues_summary: {
        total: children.length,
        completed,
        percent_completed: children.length === 0 ? 0 : Math.floor((completed * 100) / children.length),
      },
      parent_issue_url: parent ? this.issueApiUrl(parent.repo, parent.issue.number) : null,
      body: issue.body,
      reactions: reactions(`${url}/reactions`),
      timeline_url: `${url}/timeline`,
      performed_via_github_app: null,
      state_reason: issue.state_reason,
    };
    if (issue.pullRequest) {
      const pullUrl = `${this.repoApiUrl(repo)}/pulls/${issue.number}`;
      payload.draft = false;
      payload.pull_request = {
        url: pullUrl,
        html_url: `${webRepo}/pull/${issue.number}`,
        diff_url: `${webRepo}/pull/${issue.number}.diff`,
        patch_url: `${webRepo}/pull/${issue.number}.patch`,
        merged_at: null,
      };
    }
    if (options.detail) payload.closed_by = issue.closed_by ? this.simpleUser(issue.closed_by) : null;
    return payload;
  }

  comment(repo: RepoRecord, comment: CommentRecord): Payload {
    const url = this.commentApiUrl(repo, comment);
    return {
      url,
      html_url: `${this.urls.web}/${repo.owner}/${repo.name}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: this.issueApiUrl(repo, comment.issueNumber),
      id: comment.id,
      node_id: comment.node_id,
      user: this.simpleUser(comment.user.login),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: comment.authorAssociation ?? authorAssociation(this.store.user(comment.user.login), repo),
      body: comment.body,
      reactions: reactions(`${url}/reactions`, comment.reactions),
      performed_via_github_app: null,
    };
  }

  reaction(reaction: ReactionRecord): Payload {
    return {
      id: reaction.id,
      node_id: reaction.node_id,
      user: this.simpleUser(reaction.user.login),
      content: reaction.content,
      created_at: reaction.created_at,
    };
  }

  /** A collaborator's permission as `GET .../collaborators/{username}/permission` answers it. */
  collaboratorPermission(user: UserRecord, repo: RepoRecord): Payload {
    const owner = user.login.toLowerCase() === repo.owner.toLowerCase();
    const role = owner ? 'admin' : user.permission;
    // The legacy `permission` field has no triage (read) or maintain (write); role_name is exact.
    const permission = role === 'triage' ? 'read' : role === 'maintain' ? 'write' : role;
    return {
      permission,
      role_name: role,
      user: {
        ...this.simpleUser(user.login),
        permissions: {
          pull: role !== 'none',
          triage: role !== 'none' && role !== 'read',
          push: role === 'write' || role === 'maintain' || role === 'admin',
          maintain: role === 'maintain' || role === 'admin',
          admin: role === 'admin',
        },
        role_name: role,
      },
    };
  }

  /** full-repository, with `permissions` for the caller as GitHub adds for authenticated requests. */
  repository(repo: RepoRecord, viewer: UserRecord | undefined): Payload {
    const api = this.repoApiUrl(repo);
    const web = `${this.urls.web}/${repo.owner}/${repo.name}`;
    const openIssues = repo.issues.filter((issue) => issue.state === 'open').length;
    const host = new URL(this.urls.web).host;
    const payload: Payload = {
      id: repo.id,
      node_id: repo.node_id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      private: repo.private,
      owner: this.simpleUser(repo.owner, repo.id + 5_000_000),
      html_url: web,
      description: null,
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://${host}/${repo.owner}/${repo.name}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@${host}:${repo.owner}/${repo.name}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${web}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: web,
      homepage: null,
      language: null,
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 0,
      default_branch: 'main',
      open_issues_count: openIssues,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: repo.private ? 'private' : 'public',
      pushed_at: repo.created_at,
      created_at: repo.created_at,
      updated_at: repo.updated_at,
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
      forks: 0,
      open_issues: openIssues,
      watchers: 0,
      network_count: 0,
      subscribers_count: 0,
    };
    if (viewer) {
      payload.permissions = {
        admin: viewer.permission === 'admin',
        maintain: viewer.permission === 'admin' || viewer.permission === 'maintain',
        push: canPush(viewer),
        triage: canTriage(viewer),
        pull: viewer.permission !== 'none' || !repo.private,
      };
    }
    return payload;
  }
  /** A file as GET /repos/{owner}/{repo}/contents/{path} answers: base64 in lines of 60, as GitHub wraps it. */
  contentFile(repo: RepoRecord, file: FileRecord, ref: string): Payload {
    const api = `${this.urls.api}/repos/${repo.owner}/${repo.name}`;
    const web = `${this.urls.web}/${repo.owner}/${repo.name}`;
    const path = file.path.split('/').map(encodeURIComponent).join('/');
    const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const git = `${api}/git/blobs/${file.sha}`;
    const html = `${web}/blob/${encodeURIComponent(ref)}/${path}`;
    const base64 = Buffer.from(file.content, 'utf8').toString('base64');
    return {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(file.content),
      name: file.path.split('/').pop() ?? file.path,
      path: file.path,
      content: `${base64.replace(/.{60}/g, '$&\n')}\n`,
      sha: file.sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `${web}/raw/${encodeURIComponent(ref)}/${path}`,
      _links: { self, git, html },
    };
  }

  /** pull-request-simple, as GET /repos/{owner}/{repo}/pulls lists them (head and base in the same repository). */
  pullSimple(repo: RepoRecord, issue: IssueRecord, viewer: UserRecord | undefined): Payload {
    const pull = issue.pull ?? { headRef: `change-${issue.number}`, headSha: '0'.repeat(40), baseRef: 'main' };
    const api = this.repoApiUrl(repo);
    const url = `${api}/pulls/${issue.number}`;
    const web = `${this.urls.web}/${repo.owner}/${repo.name}/pull/${issue.number}`;
    const issueUrl = this.issueApiUrl(repo, issue.number);
    const owner = this.simpleUser(repo.owner, repo.id + 5_000_000);
    const branch = (ref: string, sha: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: owner,
      repo: this.repository(repo, viewer),
    });
    // A fork's head: its own owner and name, `fork: true` (the sandbox keeps no fork repositories of its own).
    const forkBranch = (fullName: string, ref: string, sha: string) => {
      const [forkOwner = '', forkName = ''] = fullName.split('/');
      const user = this.simpleUser(forkOwner);
      const base = this.repository(repo, undefined);
      return {
        label: `${forkOwner}:${ref}`,
        ref,
        sha,
        user,
        repo: {
          ...base,
          id: repo.id + 7_000_000,
          name: forkName,
          full_name: fullName,
          owner: user,
          fork: true,
          html_url: `${this.urls.web}/${fullName}`,
        },
      };
    };
    const assignees = issue.assignees.map((login) => this.simpleUser(login));
    const baseSha = this.store.resolveRef(repo, pull.baseRef) ?? '0'.repeat(40);
    return {
      url,
      id: issue.id,
      node_id: issue.node_id,
      html_url: web,
      diff_url: `${web}.diff`,
      patch_url: `${web}.patch`,
      issue_url: issueUrl,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${issueUrl}/comments`,
      statuses_url: `${api}/statuses/${pull.headSha}`,
      number: issue.number,
      state: issue.state,
      locked: issue.locked,
      title: issue.title,
      user: this.simpleUser(issue.user.login),
      body: issue.body,
      labels: this.store.issueLabels(repo, issue).map((label) => this.label(repo, label)),
      milestone: null,
      active_lock_reason: null,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      merged_at: null,
      merge_commit_sha: null,
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: [],
      requested_teams: [],
      head: pull.headRepo ? forkBranch(pull.headRepo, pull.headRef, pull.headSha) : branch(pull.headRef, pull.headSha),
      base: branch(pull.baseRef, baseSha),
      _links: {
        self: { href: url },
        html: { href: web },
        issue: { href: issueUrl },
        comments: { href: `${issueUrl}/comments` },
        review_comments: { href: `${url}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${url}/commits` },
        statuses: { href: `${api}/statuses/${pull.headSha}` },
      },
      author_association: issue.authorAssociation ?? authorAssociation(this.store.user(issue.user.login), repo),
      auto_merge: null,
      draft: false,
    };
  }

  /** simple-commit-status (inside a combined status). */
  simpleStatus(repo: RepoRecord, status: StatusRecord): Payload {
    const creator = this.simpleUser(status.creator);
    return {
      url: `${this.repoApiUrl(repo)}/statuses/${status.sha}`,
      avatar_url: creator['avatar_url'],
      id: status.id,
      node_id: status.node_id,
      state: status.state,
      description: status.description,
      target_url: status.target_url,
      context: status.context,
      created_at: status.created_at,
      updated_at: status.updated_at,
    };
  }

  /** status, as POST .../statuses/{sha} answers and GET .../commits/{ref}/statuses lists. */
  status(repo: RepoRecord, status: StatusRecord): Payload {
    return { ...this.simpleStatus(repo, status), creator: this.simpleUser(status.creator) };
  }

  /** combined-commit-status: the latest status of each context, and their combined state. */
  combinedStatus(repo: RepoRecord, sha: string, viewer: UserRecord | undefined): Payload {
    const latest = new Map<string, StatusRecord>();
    for (const status of this.store.statuses(`${repo.owner}/${repo.name}`, sha)) {
      const key = status.context.toLowerCase();
      if (!latest.has(key)) latest.set(key, status);
    }
    const statuses = [...latest.values()];
    const states = statuses.map((st) => st.state);
    const state =
      states.includes('error') || states.includes('failure')
        ? 'failure'
        : states.length === 0 || states.includes('pending')
          ? 'pending'
          : 'success';
    return {
      state,
      statuses: statuses.map((st) => this.simpleStatus(repo, st)),
      sha,
      total_count: statuses.length,
      repository: this.repository(repo, viewer),
      commit_url: `${this.repoApiUrl(repo)}/commits/${sha}`,
      url: `${this.repoApiUrl(repo)}/commits/${sha}/status`,
    };
  }
}
