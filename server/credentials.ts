// How the server authenticates to GitHub: a GitHub App (FIREBREAK_APP_ID + FIREBREAK_APP_PRIVATE_KEY, optionally
// FIREBREAK_APP_INSTALLATION_ID), whose installation tokens @octokit/auth-app creates, caches and renews before they
// expire, or a plain GITHUB_TOKEN. The App acts as `<slug>[bot]`; a token as its user.
import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import { InputError } from '../core/domain/errors';
import { repoSlug, type RepoRef } from '../core/domain/incident';
import type { ClientOptions } from '../core/github/github-client';
import type { Connection } from '../core/wiring';

export interface ServerCredentials {
  readonly kind: 'app' | 'token';
  readonly options: Pick<ClientOptions, 'token' | 'authStrategy'>;
  /** The login the server acts as (asked once, at start). */
  actor(connection: Connection): Promise<string>;
}

export async function credentialsFrom(
  env: NodeJS.ProcessEnv,
  apiUrl: string,
  repo: RepoRef,
): Promise<ServerCredentials> {
  const appId = env['FIREBREAK_APP_ID'];
  const key = env['FIREBREAK_APP_PRIVATE_KEY'];
  if (appId || key) {
    if (!appId || !key)
      throw new InputError(
        'A GitHub App needs both FIREBREAK_APP_ID and FIREBREAK_APP_PRIVATE_KEY.',
        "Set the App's id and its private key (the PEM text), or use GITHUB_TOKEN instead.",
      );
    return appCredentials(appId, key.replace(/\\n/g, '\n'), env['FIREBREAK_APP_INSTALLATION_ID'], apiUrl, repo);
  }
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'];
  if (!token)
    throw new InputError(
      'No GitHub credentials.',
      'Set FIREBREAK_APP_ID and FIREBREAK_APP_PRIVATE_KEY (a GitHub App installed on the incident repository), ' +
        'or GITHUB_TOKEN (issues: write on it).',
    );
  return {
    kind: 'token',
    options: { token },
    actor: (connection) => connection.gateway.currentUser(),
  };
}

async function appCredentials(
  appId: string,
  privateKey: string,
  installation: string | undefined,
  apiUrl: string,
  repo: RepoRef,
): Promise<ServerCredentials> {
  if (!/^\d+$/.test(appId)) throw new InputError(`FIREBREAK_APP_ID "${appId}" is not a number.`);
  if (installation !== undefined && !/^\d+$/.test(installation))
    throw new InputError(`FIREBREAK_APP_INSTALLATION_ID "${installation}" is not a number.`);
  const api = request.defaults({ baseUrl: apiUrl, headers: { 'user-agent': 'firebreak-serve' } });
  let app: { slug: string; installationId: number };
  try {
    const { token: jwt } = await createAppAuth({ appId, privateKey, request: api })({ type: 'app' });
    const asApp = api.defaults({ headers: { authorization: `bearer ${jwt}` } });
    const { data } = await asApp('GET /app');
    const installationId = installation
      ? Number(installation)
      : (await asApp('GET /repos/{owner}/{repo}/installation', { owner: repo.owner, repo: repo.name })).data.id;
    app = { slug: data?.slug ?? `app-${appId}`, installationId };
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new InputError(
      status === 404
        ? `The GitHub App ${appId} is not installed on ${repoSlug(repo)}.`
        : `The GitHub App ${appId} could not sign in (${status ? `GitHub answered ${status}` : (error as Error).message}).`,
      'Check FIREBREAK_APP_ID and FIREBREAK_APP_PRIVATE_KEY, and install the App on the incident repository ' +
        'with Issues: read and write.',
    );
  }
  return {
    kind: 'app',
    options: {
      authStrategy: { strategy: createAppAuth, options: { appId, privateKey, installationId: app.installationId } },
    },
    actor: () => Promise.resolve(`${app.slug}[bot]`),
  };
}
