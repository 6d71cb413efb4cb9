// Which git remotes name a GitHub repository: only one on GitHub itself (github.com) or on the GitHub Enterprise
// Server the API URL points at. A path, a file:// URL or another host is no repository Firebreak may write to.
import { parseRemoteUrl } from './code-ref';
import type { RepoRef } from './incident';

/** The host of a remote URL (`https://host/…`, `ssh://git@host:22/…`, scp-like `git@host:owner/name`), lower case. */
export function remoteHost(url: string): string | undefined {
  const text = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const parsed = new URL(text);
      return parsed.protocol === 'file:' ? undefined : parsed.hostname.toLowerCase() || undefined;
    } catch {
      return undefined;
    }
  }
  // scp-like: [user@]host:path; a Windows drive (C:\…) has a one-letter "host" no GitHub has.
  const scp = /^(?:[^@/\s]+@)?([^:/\\\s]{2,}):(?!\/\/)/.exec(text);
  return scp?.[1]?.toLowerCase();
}

/** The hosts whose remotes name GitHub repositories, for an API base URL and the web URL that goes with it. */
export function gitHubHosts(apiUrl: string, webUrl?: string): string[] {
  const hosts = new Set(['github.com', 'www.github.com', 'ssh.github.com']);
  for (const url of [apiUrl, webUrl]) {
    if (!url) continue;
    try {
      const host = new URL(url).hostname.toLowerCase();
      hosts.add(host);
      // api.HOST serves HOST's repositories (github.com, GHE.com); GitHub Enterprise Server's API is HOST/api/v3.
      if (host.startsWith('api.')) hosts.add(host.slice(4));
    } catch {
      // Not a URL: checked (and refused) where it is read.
    }
  }
  return [...hosts];
}

/** owner/name of a remote on one of the GitHub hosts, else undefined. */
export function gitHubRemoteRepo(url: string, hosts: readonly string[]): RepoRef | undefined {
  const host = remoteHost(url);
  return host && hosts.includes(host) ? parseRemoteUrl(url) : undefined;
}

/** A remote as it may be shown: without credentials an https remote can carry (https://user:token@host/…). */
export function displayRemote(url: string): string {
  return url.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
