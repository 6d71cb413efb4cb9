// Finds the route for a method and path. As on api.github.com, a path served for other methods only is a 404.
import { TemplateIndex, splitPath } from './path-template';
import type { Route } from './routes/context';

export interface RouteMatch {
  route: Route;
  template: string;
  params: Record<string, string>;
}

export class Router {
  private readonly index = new TemplateIndex<Map<string, Route>>();

  constructor(routes: readonly Route[]) {
    const byTemplate = new Map<string, Map<string, Route>>();
    const multi = new Map<string, Set<string>>();
    for (const route of routes) {
      const methods = byTemplate.get(route.template) ?? new Map<string, Route>();
      methods.set(route.method, route);
      byTemplate.set(route.template, methods);
      for (const name of route.multiSegment ?? [])
        multi.set(route.template, new Set([...(multi.get(route.template) ?? []), name]));
    }
    for (const [template, methods] of byTemplate) this.index.add(template, methods, multi.get(template));
  }

  match(method: string, pathname: string): RouteMatch | undefined {
    const parts = splitPath(pathname);
    if (parts === undefined) return undefined;
    for (const candidate of this.index.matchAll(parts)) {
      const route = candidate.value.get(method);
      if (route) return { route, template: candidate.template, params: candidate.params };
    }
    return undefined;
  }
}
