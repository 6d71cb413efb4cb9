// The `slack:` section of .github/incidents.yml: who is who between Slack and GitHub. Reviewed like any config
// change, so linking a Slack user to a login is as deliberate as giving that login access.
import * as z from 'zod';

export interface SlackConfig {
  /** Slack user id (`U…`) -> GitHub login. Only linked people with push access change state from Slack. */
  readonly users: Readonly<Record<string, string>>;
}

export const slackSchema = z
  .object({
    users: z
      .record(
        z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'each key must be a Slack user id, e.g. U123ABC'),
        z.string().regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'each value must be a GitHub login, e.g. octocat'),
        { error: 'users must map Slack user ids to GitHub logins, e.g. { U123ABC: octocat }' },
      )
      .optional(),
  })
  .strict();

/** The parsed section; `{ slack: … }` only when the file has one. */
export function slackConfigOf(raw: z.infer<typeof slackSchema> | undefined): { slack?: SlackConfig } {
  if (!raw) return {};
  const users = Object.fromEntries(
    Object.entries(raw.users ?? {}).map(([id, login]) => [id, login.startsWith('@') ? login.slice(1) : login]),
  );
  return { slack: { users } };
}
