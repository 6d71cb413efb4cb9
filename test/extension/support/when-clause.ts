// Reads the context keys out of a VS Code `when` clause, with the comparison each is in (if any).
// Grammar: https://code.visualstudio.com/api/references/when-clause-contexts

export interface WhenKey {
  readonly key: string;
  /** '', '==', '!=', '===', '!==', '=~', '<', '<=', '>', '>=', 'in' or 'not in'. */
  readonly operator: string;
  /** The right side (quotes removed; a regex keeps its slashes and flags); '' without a comparison. */
  readonly value: string;
}

const TOKEN =
  /\s*(\/(?:\\.|[^/\\])*\/[a-z]*|'[^']*'|"[^"]*"|&&|\|\||===|!==|==|!=|=~|<=|>=|<|>|!|\(|\)|not in|in\b|[^\s()!&|=<>']+)/gy;
const COMPARISONS = new Set(['==', '!=', '===', '!==', '=~', '<', '<=', '>', '>=', 'in', 'not in']);
const LITERALS = new Set(['true', 'false']);

export function whenKeys(clause: string): WhenKey[] {
  const tokens: string[] = [];
  let end = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(clause); match; match = TOKEN.exec(clause)) {
    tokens.push(match[1] ?? '');
    end = TOKEN.lastIndex;
  }
  if (clause.slice(end).trim() !== '')
    throw new Error(`cannot read the when clause "${clause}" after "${clause.slice(0, end)}"`);
  const keys: WhenKey[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (!/^[A-Za-z_]/.test(token) || LITERALS.has(token) || COMPARISONS.has(token)) continue;
    const next = tokens[i + 1] ?? '';
    if (COMPARISONS.has(next)) {
      keys.push({ key: token, operator: next, value: (tokens[i + 2] ?? '').replace(/^(['"])(.*)\1$/, '$2') });
      i += 2;
    } else keys.push({ key: token, operator: '', value: '' });
  }
  return keys;
}
