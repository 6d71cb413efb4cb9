// Every route the sandbox serves; templates are spelled exactly as in GitHub's OpenAPI description.
import { actionRoutes } from './actions';
import { assigneeRoutes } from './assignees';
import { changeRoutes } from './changes';
import { commentRoutes } from './comments';
import { contentRoutes } from './contents';
import { deploymentRoutes } from './deployments';
import type { Route } from './context';
import { issueRoutes } from './issues';
import { labelRoutes } from './labels';
import { metaRoutes } from './meta';
import { statusRoutes } from './statuses';
import { reactionRoutes } from './reactions';
import { subIssueRoutes } from './sub-issues';

export const sandboxRoutes: readonly Route[] = [
  ...metaRoutes,
  ...issueRoutes,
  ...commentRoutes,
  ...reactionRoutes,
  ...labelRoutes,
  ...assigneeRoutes,
  ...subIssueRoutes,
  ...contentRoutes,
  ...statusRoutes,
  ...actionRoutes,
  ...deploymentRoutes,
  ...changeRoutes,
];

export const sandboxTemplates: readonly string[] = [...new Set(sandboxRoutes.map((route) => route.template))];
