// `POST /mcp`: the MCP server over Streamable HTTP, stateless (a fresh server and transport per request, as the SDK
// documents), so any replica answers any request. It exists only with FIREBREAK_MCP_TOKEN set (404 otherwise),
// asks for it as a bearer token (401 otherwise), and offers the write tools only with FIREBREAK_MCP_WRITES=1.
import type { AgentPort } from './mcp/agent-port';
import { bearerMatches } from './auth';
import { json, type Route } from './routes';

export const MCP_PATH = '/mcp';

export interface McpSettings {
  readonly token: string;
  readonly writes: boolean;
}

/** FIREBREAK_MCP_TOKEN and FIREBREAK_MCP_WRITES, or nothing when the token is unset. */
export function mcpSettingsFrom(env: NodeJS.ProcessEnv): McpSettings | undefined {
  const token = env['FIREBREAK_MCP_TOKEN']?.trim();
  if (!token) return undefined;
  return { token, writes: ['1', 'true', 'yes'].includes((env['FIREBREAK_MCP_WRITES'] ?? '').trim().toLowerCase()) };
}

function jsonRpcError(status: number, code: number, message: string, headers?: Record<string, string>) {
  return { ...json(status, { jsonrpc: '2.0', error: { code, message }, id: null }), ...(headers ? { headers } : {}) };
}

export function mcpRoutes(settings: McpSettings | undefined, port: AgentPort): Route[] {
  if (!settings) return [];
  return [
    {
      method: 'POST',
      path: MCP_PATH,
      async handle(rawBody, headers) {
        if (!bearerMatches(headers, settings.token))
          return jsonRpcError(401, -32001, 'Send Authorization: Bearer <FIREBREAK_MCP_TOKEN>.', {
            'www-authenticate': 'Bearer realm="firebreak-mcp"',
          });
        let message: unknown;
        try {
          message = JSON.parse(rawBody.toString('utf8'));
        } catch {
          return jsonRpcError(400, -32700, 'The body is not JSON.');
        }
        return {
          status: 200,
          body: null,
          log: { mcp: describeCall(message) },
          async respond(req, res) {
            // The SDK loads on the first MCP request: alert-only servers (and every CLI command) start without it.
            const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
              import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
              import('./mcp/mcp-server'),
            ]);
            const server = createMcpServer(port, { writes: settings.writes });
            // No session id generator: stateless, every request stands alone.
            const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
            res.on('close', () => {
              void transport.close();
              void server.close();
            });
            await server.connect(transport);
            await transport.handleRequest(req, res, message);
          },
        };
      },
    },
  ];
}

/** What the log line says of a call: the method and the tool's name (never arguments, which carry text). */
function describeCall(message: unknown): string {
  const one = (m: unknown): string => {
    const call = m as { method?: unknown; params?: { name?: unknown } };
    const method = typeof call?.method === 'string' ? call.method : 'response';
    return method === 'tools/call' && typeof call.params?.name === 'string' ? `${method} ${call.params.name}` : method;
  };
  return Array.isArray(message) ? message.map(one).join(', ') : one(message);
}
