// Checks sandbox traffic against GitHub's published OpenAPI description (@octokit/openapi, dereferenced variant),
// so that a client and a sandbox that agree with each other also agree with api.github.com.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { TemplateIndex, splitPath } from './path-template';

const DESCRIPTION = path.join('node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.deref.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type JsonSchema = { [key: string]: unknown };

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Json | undefined;
}

interface Operation {
  operationId: string;
  docsUrl: string | undefined;
  parameters: Parameter[];
  requestBody: { required: boolean; schema: Json | undefined } | undefined;
  responses: Map<string, { schema: Json | undefined }>;
}

/** Operations of one path template; `null` marks an operation GitHub has but this catalog did not retain. */
type PathOperations = Map<string, Operation | null>;

export interface OperationMatch {
  template: string;
  params: Record<string, string>;
  operation: Operation | null;
}

export interface CheckedRequest {
  method: string;
  /** Path in api.github.com form (no GHES prefix), still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
}

export interface CheckedResponse {
  status: number;
  /** Parsed JSON body; undefined when the response had none. */
  body: unknown;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// JSON Schema keywords that survive conversion; OpenAPI-only and annotation keywords are dropped.
const KEPT_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'format',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
]);

/**
 * Converts an OpenAPI 3.0 schema object to a JSON Schema Ajv understands: `nullable: true` becomes a null type,
 * boolean `exclusiveMinimum/Maximum` become numeric ones, and `oneOf` becomes `anyOf` because GitHub's description
 * has oneOf branches that overlap (string vs. integer titles, label strings vs. objects), which strict oneOf
 * would reject for valid payloads.
 */
export function toJsonSchema(schema: unknown, options: { dropPatterns?: boolean } = {}): JsonSchema {
  if (!isObject(schema)) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (KEPT_KEYWORDS.has(key)) {
      if (key === 'pattern' && options.dropPatterns) continue;
      out[key] = value;
    }
  }
  if (isObject(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, sub]) => [name, toJsonSchema(sub, options)]),
    );
  }
  if (schema.items !== undefined) out.items = toJsonSchema(schema.items, options);
  if (typeof schema.additionalProperties === 'boolean') out.additionalProperties = schema.additionalProperties;
  else if (isObject(schema.additionalProperties))
    out.additionalProperties = toJsonSchema(schema.additionalProperties, options);
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) out[key === 'oneOf' ? 'anyOf' : key] = list.map((sub) => toJsonSchema(sub, options));
  }
  if (schema.not !== undefined) out.not = toJsonSchema(schema.not, options);
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
    out.exclusiveMinimum = schema.minimum;
    delete out.minimum;
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
    out.exclusiveMaximum = schema.maximum;
    delete out.maximum;
  }
  if (schema.nullable === true) return allowNull(out);
  return out;
}

function allowNull(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    return schema;
  }
  if (schema.anyOf !== undefined || schema.allOf !== undefined || schema.not !== undefined) {
    return { anyOf: [schema, { type: 'null' }] };
  }
  return schema;
}

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (ajvInstance === undefined) {
    ajvInstance = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(ajvInstance);
    // Formats GitHub uses that ajv-formats does not know: accept them rather than fail compilation.
    for (const format of ['timestamp', 'repo.nwo']) ajvInstance.addFormat(format, true);
  }
  return ajvInstance;
}

type Check = (value: unknown) => string[];

// Compiled checks are shared by every catalog and keyed by schema content: the issue schema, for instance, appears
// in a dozen operations of the dereferenced description and is compiled once.
const checksBySchema = new Map<string, Check>();

function formatErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): string[] {
  if (!errors) return [];
  // Branch failures of anyOf repeat the same problem several times; the innermost messages say more.
  const useful = errors.filter((error) => error.keyword !== 'anyOf');
  const chosen = useful.length > 0 ? useful : errors;
  const messages = chosen.map((error) => {
    const where = `${prefix}${error.instancePath}` || '(root)';
    const params = error.params as Record<string, unknown>;
    const detail =
      error.keyword === 'additionalProperties'
        ? ` '${String(params.additionalProperty)}'`
        : error.keyword === 'enum'
          ? ` ${JSON.stringify(params.allowedValues)}`
          : '';
    return `${where} ${error.message ?? error.keyword}${detail}`;
  });
  return [...new Set(messages)].slice(0, 5);
}

function compileCheck(openApiSchema: unknown): Check {
  const schema = toJsonSchema(openApiSchema);
  const key = createHash('sha1').update(JSON.stringify(schema)).digest('hex');
  const cached = checksBySchema.get(key);
  if (cached) return cached;
  let check: Check;
  if (schema.type === 'array' && Object.keys(schema).length === 2 && isObject(schema.items)) {
    // Lists are checked item by item with the item's (shared) check, so list and single operations share work.
    const itemCheck = compileCheck(isObject(openApiSchema) ? openApiSchema.items : undefined);
    check = (value) => {
      if (!Array.isArray(value)) return ['(root) must be array'];
      return value.flatMap((item, index) =>
        itemCheck(item).map((message) => `/${index}${message.startsWith('(root)') ? message.slice(6) : message}`),
      );
    };
  } else {
    let validate: ValidateFunction;
    try {
      validate = ajv().compile(schema);
    } catch {
      // A few patterns in the description are not valid ECMAScript regular expressions.
      validate = ajv().compile(toJsonSchema(openApiSchema, { dropPatterns: true }));
    }
    check = (value) => (validate(value) ? [] : formatErrors(validate.errors));
  }
  checksBySchema.set(key, check);
  return check;
}

function readOperation(raw: JsonObject, shared: Json | undefined): Operation {
  const parameters: Parameter[] = [];
  for (const list of [shared, raw.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
      parameters.push({ name: p.name, in: p.in, required: p.required === true, schema: p.schema });
    }
  }
  const body = isObject(raw.requestBody) ? raw.requestBody : undefined;
  const bodyContent = body && isObject(body.content) ? body.content['application/json'] : undefined;
  const responses = new Map<string, { schema: Json | undefined }>();
  if (isObject(raw.responses)) {
    for (const [status, response] of Object.entries(raw.responses)) {
      const content =
        isObject(response) && isObject(response.content) ? response.content['application/json'] : undefined;
      responses.set(status, { schema: isObject(content) ? content.schema : undefined });
    }
  }
  const docs =
    isObject(raw.externalDocs) && typeof raw.externalDocs.url === 'string' ? raw.externalDocs.url : undefined;
  return {
    operationId: typeof raw.operationId === 'string' ? raw.operationId : '(no operationId)',
    docsUrl: docs,
    parameters,
    requestBody: body
      ? { required: body.required === true, schema: isObject(bodyContent) ? bodyContent.schema : undefined }
      : undefined,
    responses,
  };
}

function coerce(raw: string, schema: Json | undefined): unknown {
  const type = isObject(schema) ? schema.type : undefined;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

export class OpenApiCatalog {
  private readonly checks = new Map<string, Check>();
  private readonly recent = new Map<string, OperationMatch | undefined | 'wrong-method'>();

  private constructor(private readonly paths: TemplateIndex<PathOperations>) {}

  /**
   * Reads the description once. Only operations whose template `retain` accepts keep their schemas (the whole
   * description costs ~40 MB once parsed); every other template is still known, so calls to routes GitHub has but
   * the sandbox lacks are told apart from calls to routes that do not exist.
   */
  static async load(options: { file: string; retain: (template: string) => boolean }): Promise<OpenApiCatalog> {
    let text: string | undefined = await readFile(options.file, 'utf8');
    const document: unknown = JSON.parse(text);
    text = undefined;
    const index = new TemplateIndex<PathOperations>();
    const rawPaths = isObject(document) && isObject(document.paths) ? document.paths : {};
    for (const [template, rawItem] of Object.entries(rawPaths)) {
      if (!isObject(rawItem)) continue;
      const operations: PathOperations = new Map();
      const keep = options.retain(template);
      const multi = new Set<string>();
      for (const method of METHODS) {
        const raw = rawItem[method];
        if (!isObject(raw)) continue;
        operations.set(method.toUpperCase(), keep ? readOperation(raw, rawItem.parameters) : null);
        if (Array.isArray(raw.parameters)) {
          for (const p of raw.parameters)
            if (isObject(p) && p['x-multi-segment'] === true && typeof p.name === 'string') multi.add(p.name);
        }
      }
      index.add(template, operations, multi);
    }
    return new OpenApiCatalog(index);
  }

  /** The operation for a method and path; undefined when GitHub has no such route at all. */
  find(method: string, pathname: string): OperationMatch | undefined | 'wrong-method' {
    // Each request looks its operation up several times (request, response, docs): remember recent answers.
    const key = `${method.toUpperCase()} ${pathname}`;
    if (this.recent.has(key)) return this.recent.get(key);
    const found = this.lookup(method, pathname);
    if (this.recent.size >= 256) this.recent.clear();
    this.recent.set(key, found);
    return found;
  }

  private lookup(method: string, pathname: string): OperationMatch | undefined | 'wrong-method' {
    const parts = splitPath(pathname);
    if (parts === undefined) return undefined;
    const matches = this.paths.matchAll(parts);
    for (const match of matches) {
      const operation = match.value.get(method.toUpperCase());
      if (operation !== undefined) return { template: match.template, params: match.params, operation };
    }
    return matches.length > 0 ? 'wrong-method' : undefined;
  }

  /** Violations in a request, each prefixed with method, path and operation. */
  checkRequest(request: CheckedRequest): string[] {
    const where = `${request.method} ${request.path}`;
    const found = this.find(request.method, request.path);
    if (found === undefined) return [`${where}: no such route in GitHub's REST API description`];
    if (found === 'wrong-method') return [`${where}: GitHub's REST API description has this path but not this method`];
    const operation = found.operation;
    if (operation === null) return [];
    const label = `${where} [${operation.operationId}]`;
    const problems: string[] = [];
    for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
      const value = found.params[parameter.name];
      if (value === undefined) continue;
      const check = this.check(`${operation.operationId} path ${parameter.name}`, parameter.schema);
      problems.push(
        ...check(coerce(value, parameter.schema)).map(
          (m) => `path parameter ${parameter.name}: ${m.replace('(root) ', '')}`,
        ),
      );
    }
    const queryParameters = new Map(operation.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
    for (const [name, value] of request.query) {
      const parameter = queryParameters.get(name);
      if (parameter === undefined) {
        problems.push(`unknown query parameter '${name}' (GitHub ignores it silently)`);
        continue;
      }
      const check = this.check(`${operation.operationId} query ${name}`, parameter.schema);
      problems.push(
        ...check(coerce(value, parameter.schema)).map((m) => `query parameter ${name}: ${m.replace('(root) ', '')}`),
      );
    }
    for (const parameter of queryParameters.values()) {
      if (parameter.required && !request.query.has(parameter.name))
        problems.push(`missing required query parameter '${parameter.name}'`);
    }
    const body = operation.requestBody;
    if (request.body === undefined) {
      if (body?.required) problems.push('request body is required');
    } else if (body === undefined) {
      if (!(isObject(request.body) && Object.keys(request.body).length === 0))
        problems.push('request body sent to an operation that takes none');
    } else if (body.schema !== undefined) {
      problems.push(
        ...this.check(`${operation.operationId} request`, body.schema)(request.body).map((m) => `request body: ${m}`),
      );
    }
    return problems.map((problem) => `${label}: ${problem}`);
  }

  /**
   * Violations in a response. Statuses the operation does not describe are only reported for successes: GitHub
   * answers 401, 403 (rate limits), 5xx and often 404 on every route without listing them per operation.
   */
  checkResponse(request: Pick<CheckedRequest, 'method' | 'path'>, response: CheckedResponse): string[] {
    const found = this.find(request.method, request.path);
    if (found === undefined || found === 'wrong-method' || found.operation === null) return [];
    const operation = found.operation;
    const label = `${request.method} ${request.path} [${operation.operationId}] response ${response.status}`;
    const status = String(response.status);
    const described =
      operation.responses.get(status) ??
      operation.responses.get(`${status[0] ?? ''}XX`) ??
      operation.responses.get('default');
    if (described === undefined) {
      return response.status < 400
        ? [`${label}: status not in GitHub's description (has ${[...operation.responses.keys()].join(', ')})`]
        : [];
    }
    if (described.schema === undefined) {
      return response.body === undefined || response.status >= 400
        ? []
        : [`${label}: body sent where GitHub's description has none`];
    }
    if (response.body === undefined) return [`${label}: body missing`];
    return this.check(
      `${operation.operationId} ${status}`,
      described.schema,
    )(response.body).map((m) => `${label}: ${m}`);
  }

  /** GitHub's documentation page for the operation, for `documentation_url` in error bodies. */
  docsUrl(method: string, pathname: string): string | undefined {
    const found = this.find(method, pathname);
    return found === undefined || found === 'wrong-method' ? undefined : found.operation?.docsUrl;
  }

  private check(key: string, schema: Json | undefined): Check {
    let check = this.checks.get(key);
    if (check === undefined) {
      check = compileCheck(schema);
      this.checks.set(key, check);
    }
    return check;
  }
}

/** Finds the dereferenced description by walking up from the working directory and this module's directory. */
export function findDescriptionFile(): string | undefined {
  const starts = [process.cwd()];
  if (typeof __dirname === 'string') starts.push(__dirname);
  for (const start of starts) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, DESCRIPTION);
      if (existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

const catalogs = new Map<string, Promise<OpenApiCatalog>>();

/** One catalog per process and retained set: parsing the description takes most of a second. */
export function sharedCatalog(retainedTemplates: readonly string[]): Promise<OpenApiCatalog> {
  const key = [...retainedTemplates].sort().join('\n');
  let catalog = catalogs.get(key);
  if (catalog === undefined) {
    const file = findDescriptionFile();
    if (file === undefined)
      return Promise.reject(new Error(`GitHub's OpenAPI description was not found (${DESCRIPTION})`));
    const retained = new Set(retainedTemplates);
    catalog = OpenApiCatalog.load({ file, retain: (template) => retained.has(template) });
    catalogs.set(key, catalog);
    catalog.catch(() => catalogs.delete(key));
  }
  return catalog;
}
