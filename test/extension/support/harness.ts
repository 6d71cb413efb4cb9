// Builds the real flow objects (session, store, offline queue) against a sandbox, with a scripted prompter and a
// fake editor, the way extension.ts builds them against VS Code.
import { defaultConfig, type FirebreakConfig } from '../../../core/domain/config';
import { silentLogger } from '../../../core/github/github-client';
import type { Incident } from '../../../core/domain/incident';
import { memoryQueueStorage, OfflineQueue, type QueueStorage } from '../../../core/use-cases/offline-queue';
import type { ActiveCode, FlowContext } from '../../../extension/flows/context';
import { declareIncident } from '../../../extension/flows/declare';
import { IncidentStore, type KeyValueStore } from '../../../extension/incident-store';
import { openSession, type Session } from '../../../extension/session';
import type { Sandbox } from '../../../sandbox/server';
import { ADMIN_TOKEN, REPO } from '../../support/fixtures';
import { ScriptedPrompter, type Answer } from './scripted-prompter';

export { REPO } from '../../support/fixtures';
export const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export class MapMemento implements KeyValueStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

export interface Harness {
  readonly ctx: FlowContext;
  readonly prompter: ScriptedPrompter;
  readonly session: Session;
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly memento: MapMemento;
  readonly opened: string[];
  readonly documents: string[];
  readonly executed: { command: string; args: unknown[] }[];
  activeCode: ActiveCode | undefined;
  repoFiles: Record<string, string>;
  /** Adds answers for the next flow. */
  answer(...answers: Answer[]): Harness;
}

export interface HarnessOptions {
  readonly config?: FirebreakConfig;
  readonly token?: string;
  readonly queueStorage?: QueueStorage;
  readonly memento?: MapMemento;
  readonly replies?: readonly { match: RegExp; action: string }[];
}

export async function flowHarness(sandbox: Sandbox, options: HarnessOptions = {}): Promise<Harness> {
  const session = await openSession({
    token: options.token ?? ADMIN_TOKEN,
    apiUrl: sandbox.url,
    repo: REPO,
    config: options.config ?? defaultConfig(),
    templates: {},
    log: silentLogger,
    retryBaseMs: 5,
    writeSpacingMs: 0,
  });
  const prompter = new ScriptedPrompter([], options.replies ?? []);
  const memento = options.memento ?? new MapMemento();
  const store = new IncidentStore(memento);
  const queue = new OfflineQueue({
    storage: options.queueStorage ?? memoryQueueStorage(),
    baseRetryMs: 50,
    maxRetryMs: 1000,
  });
  const opened: string[] = [];
  const documents: string[] = [];
  const executed: { command: string; args: unknown[] }[] = [];
  const harness: Harness = {
    prompter,
    session,
    store,
    queue,
    memento,
    opened,
    documents,
    executed,
    activeCode: undefined,
    repoFiles: {},
    ctx: undefined as unknown as FlowContext,
    answer(...answers) {
      prompter.script(...answers);
      return harness;
    },
  };
  (harness as { ctx: FlowContext }).ctx = {
    prompter,
    session: async () => session,
    store,
    queue,
    code: {
      activeCode: async () => harness.activeCode,
      readRepoFile: async (candidates) => {
        const path = candidates.find((c) => harness.repoFiles[c] !== undefined);
        return path ? { path, text: harness.repoFiles[path] ?? '' } : undefined;
      },
    },
    host: {
      openUrl: async (url) => void opened.push(url),
      openMarkdown: async (content) => void documents.push(content),
      execute: async (command, ...args) => void executed.push({ command, args }),
    },
    now: () => new Date(),
    log: silentLogger,
  };
  return harness;
}

/** Declares through the flow, as a person would. */
export async function declareVia(h: Harness, title = 'Checkout returns 500s', severity = 'major'): Promise<Incident> {
  h.answer({ input: title }, { pick: severity }, { input: '' });
  const incident = await declareIncident(h.ctx);
  if (!incident) throw new Error('declare returned nothing');
  return incident;
}

export const CHECKOUT_TS = [
  'export function checkout(cart: Cart) {',
  '  const total = sum(cart);',
  '  if (total > LIMIT) {',
  '    throw new Error("limit");',
  '  }',
  '  return pay(total);',
  '}',
  '',
].join('\n');

export function selectionIn(
  path: string,
  startLine: number,
  endLine: number,
  overrides: Partial<ActiveCode> = {},
): ActiveCode {
  return {
    codeRepo: REPO,
    path,
    selection: { startLine, endLine },
    commit: COMMIT,
    fileText: CHECKOUT_TS,
    pushed: true,
    dirty: false,
    ...overrides,
  };
}
