// `firebreak mcp`: Firebreak for AI agents over the Model Context Protocol on stdio (an MCP client starts it as a
// command). Read-only unless --allow-writes; stdout carries only the protocol, everything else goes to stderr.
import { GitCli } from '../core/git-cli';
import { readCodeowners } from './suspects-commands';
import { agentPort } from '../server/mcp/agent-port';
import type { Command } from './command';

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Serve incidents to AI agents over the Model Context Protocol (stdio); read-only unless --allow-writes',
  usage:
    'firebreak mcp [--allow-writes]   (an MCP client runs it: command "npx", args ["firebreak", "mcp"]; ' +
    'GITHUB_TOKEN in its environment)',
  options: { 'allow-writes': { type: 'boolean' } },
  async run(values, _positionals, ctx) {
    // The SDK loads only here: every other command starts without it.
    const [{ StdioServerTransport }, { createMcpServer, READ_TOOLS, WRITE_TOOLS }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/stdio.js'),
      import('../server/mcp/mcp-server'),
    ]);
    const context = ctx.context();
    const owners = readCodeowners(context.root);
    const writes = values['allow-writes'] === true;
    const port = agentPort({
      connection: context.connection,
      actor: async () => (await context.service()).actor,
      git: new GitCli(context.root),
      ...(owners !== undefined ? { codeowners: owners } : {}),
      ...(context.codeRepo ? { codeRepo: context.codeRepo } : {}),
    });
    const server = createMcpServer(port, { writes });
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = resolve;
      // The SDK's stdio transport does not notice the client going away: stdin ending is the end of the session.
      process.stdin.once('end', resolve);
      process.stdin.once('close', resolve);
    });
    await server.connect(transport);
    const tools = [...READ_TOOLS, ...(writes ? WRITE_TOOLS : [])];
    ctx.log.info(`firebreak mcp: ${context.repo.owner}/${context.repo.name} on stdio; tools: ${tools.join(', ')}`);
    await closed;
    await server.close();
  },
};
