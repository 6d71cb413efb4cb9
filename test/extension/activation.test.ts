// Activates the extension (extension/extension.ts) against a fake `vscode` module and the sandbox: the
// composition root registers every command of package.json, sets the context keys its `when` clauses read, and
// sends no request until the person acts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { COMMANDS, CONTEXT_KEYS, LM_TOOLS, VIEW_ID } from '../../extension/ids';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { ADMIN_TOKEN, serviceFor } from '../support/sandbox';
import { extensionContext, requireWithFakeVscode, state } from './support/fake-vscode';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

type ExtensionModule = typeof import('../../extension/extension');

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; languageModelTools: { name: string }[] };
};
const contributed = manifest.contributes.commands.map((c) => c.command);

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('extension activation (fake vscode)', () => {
  let sandbox: Sandbox;
  let context: ReturnType<typeof extensionContext>;
  let extension: ExtensionModule;

  beforeEach(async () => {
    sandbox = await startSandbox();
    extension = requireWithFakeVscode<ExtensionModule>(join(__dirname, '..', '..', 'extension', 'extension'));
    state.settings.clear();
    state.contexts.clear();
    state.executed.length = 0;
    state.messages.length = 0;
    state.treeViews.length = 0;
    state.settings.set('firebreak.apiUrl', sandbox.url);
    state.settings.set('firebreak.repository', 'acme/shop');
    context = extensionContext({ [`firebreak.token:${sandbox.url}`]: ADMIN_TOKEN });
  });
  afterEach(async () => {
    for (const d of context.subscriptions) d.dispose();
    await sandbox.close();
    assert.deepEqual(sandbox.violations, [], "requests and responses follow GitHub's OpenAPI description");
  });

  const activate = () => extension.activate(context as unknown as vscode.ExtensionContext);

  it('registers a handler for every contributed command, and nothing else', () => {
    activate();
    assert.deepEqual([...state.commands.keys()].sort(), [...contributed].sort());
    assert.deepEqual([...state.commands.keys()].sort(), Object.values(COMMANDS).sort());
  });

  it('registers every contributed language model tool; the log tool asks for confirmation only with something to write', async () => {
    activate();
    assert.deepEqual([...state.tools.keys()].sort(), manifest.contributes.languageModelTools.map((t) => t.name).sort());
    assert.deepEqual([...state.tools.keys()].sort(), Object.values(LM_TOOLS).sort());
    const log = state.tools.get(LM_TOOLS.logEntry) as vscode.LanguageModelTool<{ text: string }>;
    const prepared = await log.prepareInvocation?.({ input: { text: 'Restarted the workers' } }, undefined as never);
    assert.ok(prepared && !prepared.confirmationMessages, 'no current incident: nothing to confirm, nothing written');
    assert.deepEqual(sandbox.requests, []);
  });

  it('sends no request on activation, and sets every context key from local state', async () => {
    activate();
    await settle(100);
    assert.deepEqual(sandbox.requests, []);
    assert.deepEqual(Object.fromEntries(state.contexts), {
      [CONTEXT_KEYS.signedIn]: true,
      [CONTEXT_KEYS.state]: 'idle',
      [CONTEXT_KEYS.hasIncidents]: false,
      [CONTEXT_KEYS.hasCurrent]: false,
    });
    assert.deepEqual(
      state.treeViews.map((v) => v.id),
      [VIEW_ID],
    );
  });

  it('without a token, the welcome content asks to sign in', async () => {
    context = extensionContext();
    activate();
    await settle();
    assert.equal(state.contexts.get(CONTEXT_KEYS.signedIn), false);
    assert.deepEqual(sandbox.requests, []);
  });

  it('opening the view loads the incidents; the store drives the context keys and the badge', async () => {
    await new DeclareIncident(serviceFor(sandbox).service).run({ title: 'Checkout returns 500s', severity: 'major' });
    const before = sandbox.requests.length;
    activate();
    const [view] = state.treeViews;
    assert.ok(view);
    await settle();
    assert.equal(sandbox.requests.length, before, 'nothing before the view opens');
    view.show(true);
    await waitFor(() => state.contexts.get(CONTEXT_KEYS.state) === 'loaded');
    assert.equal(state.contexts.get(CONTEXT_KEYS.signedIn), true);
    assert.equal(state.contexts.get(CONTEXT_KEYS.hasIncidents), true);
    assert.equal(state.contexts.get(CONTEXT_KEYS.hasCurrent), false);
    assert.deepEqual(view.badge, { value: 1, tooltip: '1 active incident' });
  });

  it('a command runs through the registered handler: Refresh loads the incidents', async () => {
    activate();
    await state.commands.get(COMMANDS.refresh)?.();
    assert.equal(state.contexts.get(CONTEXT_KEYS.state), 'loaded');
    assert.deepEqual(state.messages, []);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await settle(10);
  }
}
