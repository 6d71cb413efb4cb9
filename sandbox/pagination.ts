// per_page/page slicing and the Link header, in GitHub's format: absolute URLs, rel order prev, next, last, first,
// and, for repository lists, URLs under /repositories/{id} as api.github.com writes them.

export interface Page<T> {
  items: T[];
  link: string | undefined;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

function positiveInt(raw: string | null, fallback: number): number {
  if (raw === null || !/^\d+$/.test(raw.trim())) return fallback;
  const value = Number(raw);
  return value > 0 ? value : fallback;
}

/**
 * @param linkBase absolute URL without query of the list as GitHub links it (e.g. http://host/repositories/7/issues)
 * @param query the request's query; its parameters are kept in the links with `page` replaced
 */
export function paginate<T>(all: readonly T[], query: URLSearchParams, linkBase: string): Page<T> {
  const perPage = Math.min(positiveInt(query.get('per_page'), DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = positiveInt(query.get('page'), 1);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const href = (target: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(target));
    return `<${linkBase}?${params.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${href(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) rels.push(`${href(page + 1)}; rel="next"`, `${href(last)}; rel="last"`);
  if (page > 1) rels.push(`${href(1)}; rel="first"`);
  return { items, link: rels.length > 0 ? rels.join(', ') : undefined };
}
