// A Prompter driven by a script of answers, recording every question and message, for flow tests.
import assert from 'node:assert/strict';
import type { ConfirmRequest, InputRequest, PickRequest, Prompter } from '../../../extension/flows/prompter';

export type Answer =
  | { readonly input: string | undefined }
  | { readonly pick: string | undefined }
  | { readonly pickMany: readonly string[] | undefined }
  | { readonly confirm: boolean };

export interface Asked {
  readonly kind: 'input' | 'pick' | 'pickMany' | 'confirm';
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
  readonly text: string;
  readonly labels: readonly string[];
  readonly validate?: (value: string) => string | undefined;
}

export interface Message {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly actions: readonly string[];
}

export class ScriptedPrompter implements Prompter {
  readonly asked: Asked[] = [];
  readonly messages: Message[] = [];
  private readonly answers: Answer[];

  /** `replies`: the action chosen for notifications whose message matches. */
  constructor(
    answers: readonly Answer[] = [],
    private readonly replies: readonly { match: RegExp; action: string }[] = [],
  ) {
    this.answers = [...answers];
  }

  get remaining(): number {
    return this.answers.length;
  }

  script(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  async input(request: InputRequest): Promise<string | undefined> {
    this.asked.push({
      kind: 'input',
      title: request.title,
      ...steps(request),
      text: request.prompt,
      labels: [],
      ...(request.validate ? { validate: request.validate } : {}),
    });
    const answer = this.next('input', request.prompt);
    if (!('input' in answer))
      assert.fail(`expected an input answer for "${request.prompt}", got ${JSON.stringify(answer)}`);
    if (answer.input !== undefined) {
      const problem = request.validate?.(answer.input);
      // A real input box refuses Enter while the value is invalid: a script that types one is wrong.
      assert.equal(
        problem,
        undefined,
        `the scripted answer ${JSON.stringify(answer.input)} to "${request.prompt}" is invalid: ${problem}`,
      );
    }
    return answer.input;
  }

  async pick<T>(request: PickRequest<T>): Promise<T | undefined> {
    this.asked.push({
      kind: 'pick',
      title: request.title,
      ...steps(request),
      text: request.placeholder,
      labels: request.items.map((i) => i.label),
    });
    const answer = this.next('pick', request.placeholder);
    if (!('pick' in answer))
      assert.fail(`expected a pick answer for "${request.placeholder}", got ${JSON.stringify(answer)}`);
    if (answer.pick === undefined) return undefined;
    const item = request.items.find((i) => i.label === answer.pick);
    assert.ok(
      item,
      `no item "${answer.pick}" in the pick "${request.placeholder}": ${request.items.map((i) => i.label).join(', ')}`,
    );
    return item.value;
  }

  async pickMany<T>(request: PickRequest<T>): Promise<T[] | undefined> {
    this.asked.push({
      kind: 'pickMany',
      title: request.title,
      ...steps(request),
      text: request.placeholder,
      labels: request.items.map((i) => i.label),
    });
    const answer = this.next('pickMany', request.placeholder);
    if (!('pickMany' in answer)) assert.fail(`expected a pickMany answer for "${request.placeholder}"`);
    if (answer.pickMany === undefined) return undefined;
    return answer.pickMany.map((label) => {
      const item = request.items.find((i) => i.label === label);
      assert.ok(item, `no item "${label}" in the pick "${request.placeholder}"`);
      return item.value;
    });
  }

  async confirm(request: ConfirmRequest): Promise<boolean> {
    this.asked.push({ kind: 'confirm', title: request.message, text: request.detail ?? '', labels: [request.confirm] });
    const answer = this.next('confirm', request.message);
    if (!('confirm' in answer)) assert.fail(`expected a confirm answer for "${request.message}"`);
    return answer.confirm;
  }

  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.message('info', message, actions);
  }

  async warn(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.message('warn', message, actions);
  }

  async progress<T>(_title: string, task: () => Promise<T>): Promise<T> {
    return task();
  }

  private message(level: Message['level'], message: string, actions: string[]): string | undefined {
    this.messages.push({ level, message, actions });
    return this.replies.find((r) => r.match.test(message) && actions.includes(r.action))?.action;
  }

  private next(kind: string, what: string): Answer {
    const answer = this.answers.shift();
    assert.ok(answer, `the flow asked (${kind}) "${what}" but the script has no more answers`);
    return answer;
  }
}

function steps(request: { step?: number; totalSteps?: number }): { step?: number; totalSteps?: number } {
  return {
    ...(request.step !== undefined ? { step: request.step } : {}),
    ...(request.totalSteps !== undefined ? { totalSteps: request.totalSteps } : {}),
  };
}
