// Who a token belongs to, remembered between CLI runs so that a command does not open with `GET /user`.
// Keyed by a SHA-256 of the API URL and the token: the token itself is never written anywhere.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface IdentityCache {
  get(apiUrl: string, token: string): string | undefined;
  set(apiUrl: string, token: string, login: string): void;
}

/** `$FIREBREAK_CACHE_DIR`, else `$XDG_CACHE_HOME/firebreak`, else `~/.cache/firebreak`. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string {
  return env['FIREBREAK_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'firebreak');
}

export function tokenDigest(apiUrl: string, token: string): string {
  return createHash('sha256').update(`${apiUrl}\n${token}`).digest('hex');
}

/** A JSON file of digest -> login. Unreadable or unwritable caches are ignored: they only save a request. */
export function fileIdentityCache(file: string): IdentityCache {
  const read = (): Record<string, string> => {
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  return {
    get(apiUrl, token) {
      const login = read()[tokenDigest(apiUrl, token)];
      return typeof login === 'string' && /^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login) ? login : undefined;
    },
    set(apiUrl, token, login) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const next = { ...read(), [tokenDigest(apiUrl, token)]: login };
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // A read-only home or a full disk: the next run asks GitHub again.
      }
    },
  };
}
