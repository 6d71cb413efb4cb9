// What GitHub's issues API answers, as plain data the domain reads: issues, comments and labels. The GitHub adapter
// (core/github) maps the wire format to these; nothing here knows about HTTP.

export interface IssueRecord {
  readonly id: number;
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly stateReason?: string;
  readonly labels: readonly string[];
  /** Label name -> color, as GitHub answered (absent where the answer had names only). */
  readonly labelColors?: Readonly<Record<string, string>>;
  readonly assignees: readonly string[];
  readonly author: string;
  /** `User` or `Bot`; absent in records built without it. */
  readonly authorType?: string;
  /** As GitHub reports it, for display only: no permission (MEMBER includes read-only members; see authority.ts). */
  readonly authorAssociation: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly closedAt?: string;
  readonly url: string;
  readonly comments: number;
}

export interface CommentRecord {
  readonly id: number;
  readonly body: string;
  readonly author: string;
  readonly authorType: string;
  /** For display only, never a trust decision (see core/authority.ts). */
  readonly authorAssociation: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly url: string;
  /** Reaction content -> count, from the rollup GitHub sends with every comment (only counts above zero). */
  readonly reactions?: Readonly<Record<string, number>>;
}

export interface LabelRecord {
  readonly name: string;
  readonly color: string;
  readonly description: string | null;
}

export interface NewIssue {
  readonly title: string;
  readonly body: string;
  readonly labels?: readonly string[];
  readonly assignees?: readonly string[];
}

export interface IssuePatch {
  readonly title?: string;
  readonly body?: string;
  readonly state?: 'open' | 'closed';
  readonly stateReason?: 'completed' | 'not_planned' | 'duplicate' | 'reopened';
  readonly labels?: readonly string[];
  readonly assignees?: readonly string[];
}

export interface IssueFilter {
  /** Issues carrying ALL of these labels. */
  readonly labels?: readonly string[];
  readonly state?: 'open' | 'closed' | 'all';
  /** Only issues updated at or after this time (ISO 8601). */
  readonly since?: string;
  readonly sort?: 'created' | 'updated' | 'comments';
  readonly direction?: 'asc' | 'desc';
  /** Stop after this many issues (default: all pages). */
  readonly limit?: number;
}
