// The few github.com pages html_url and avatar_url point at, served plainly so "open in browser" from the drill
// or the extension shows the issue instead of an API 404. Not part of the REST API: never checked or rate limited.
import type { SandboxStore } from './store';

export interface WebPage {
  status: number;
  contentType: string;
  text: string;
}

const API_ROOTS = new Set([
  'repos',
  'repositories',
  'user',
  'users',
  'orgs',
  'rate_limit',
  'search',
  'app',
  'installation',
  'graphql',
]);

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): WebPage {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em}pre{white-space:pre-wrap;background:#f6f8fa;padding:1em;border-radius:6px}.meta{color:#57606a}</style>
</head><body>${body}</body></html>`;
  return { status: 200, contentType: 'text/html; charset=utf-8', text: html };
}

/** The page for a GET to `pathname`, or undefined when the path is an API path (or nothing the sandbox shows). */
export function webPage(store: SandboxStore, pathname: string): WebPage | undefined {
  const parts = pathname
    .split('/')
    .slice(1)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const [first, second, kind, number] = parts;
  if (first === undefined || API_ROOTS.has(first)) return undefined;
  if (first === 'avatars' && second === 'u') {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="32" fill="#8c959f"/></svg>`;
    return { status: 200, contentType: 'image/svg+xml', text: svg };
  }
  if (second === undefined) return undefined;
  const fullName = `${first}/${second}`;
  const repo = store.repo(fullName);
  if (!repo) return undefined;
  if (parts.length === 3 && kind === 'issues') {
    const items = repo.issues
      .filter((issue) => issue.state === 'open')
      .map(
        (issue) =>
          `<li><a href="/${escape(fullName)}/issues/${issue.number}">#${issue.number} ${escape(issue.title)}</a></li>`,
      )
      .join('');
    return page(`Issues · ${fullName}`, `<h1>${escape(fullName)}: open issues</h1><ul>${items}</ul>`);
  }
  if (parts.length === 4 && (kind === 'issues' || kind === 'pull') && number !== undefined && /^\d+$/.test(number)) {
    const issue = repo.issues.find((candidate) => candidate.number === Number(number));
    if (!issue) return undefined;
    const labels = store
      .issueLabels(repo, issue)
      .map((label) => escape(label.name))
      .join(', ');
    const comments = repo.comments
      .filter((comment) => comment.issueNumber === issue.number)
      .map(
        (comment) =>
          `<h3 id="issuecomment-${comment.id}" class="meta">@${escape(comment.user.login)} · ${comment.created_at}</h3><pre>${escape(comment.body)}</pre>`,
      )
      .join('');
    return page(
      `${issue.title} · #${issue.number}`,
      `<h1>${escape(issue.title)} <span class="meta">#${issue.number}</span></h1>
<p class="meta">${issue.state} · opened by @${escape(issue.user.login)} · ${issue.created_at}${labels ? ` · ${labels}` : ''}</p>
<pre>${escape(issue.body ?? '')}</pre>${comments}`,
    );
  }
  return undefined;
}
