// What a command flow needs from the UI: text input, picks, confirmation and messages. VS Code implements it with
// QuickInput and notifications (extension/vscode-prompter.ts); tests drive it with a script.

export interface StepInfo {
  /** "Declare incident": VS Code shows "Declare incident (1/3)" with the step counts. */
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
}

export interface InputRequest extends StepInfo {
  readonly prompt: string;
  readonly placeholder?: string;
  readonly value?: string;
  /** A message when the value cannot be taken (shown as the user types; Enter is refused until it is fixed). */
  readonly validate?: (value: string) => string | undefined;
  readonly password?: boolean;
}

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
  /** Preselected in a multi-select pick. */
  readonly picked?: boolean;
}

export interface PickRequest<T> extends StepInfo {
  readonly placeholder: string;
  readonly items: readonly PickItem<T>[];
  /** The item that has focus when the pick opens. */
  readonly active?: T;
  readonly matchOnDescription?: boolean;
  readonly matchOnDetail?: boolean;
}

export interface ConfirmRequest {
  readonly message: string;
  readonly detail?: string;
  /** Label of the button that confirms; cancelling is always possible. */
  readonly confirm: string;
}

export interface Prompter {
  /** The text, or undefined when the person cancelled (Escape). */
  input(request: InputRequest): Promise<string | undefined>;
  pick<T>(request: PickRequest<T>): Promise<T | undefined>;
  pickMany<T>(request: PickRequest<T>): Promise<T[] | undefined>;
  /** A modal question; true only when the confirm button was chosen. */
  confirm(request: ConfirmRequest): Promise<boolean>;
  /** A notification; resolves with the action chosen (or undefined when dismissed). Flows do not wait for it. */
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  /** Shows progress while the task runs. */
  progress<T>(title: string, task: () => Promise<T>): Promise<T>;
}

/** The questions of one multi-step flow: each input or pick carries the flow's title and its step count. */
export interface Steps {
  input(step: number, request: Omit<InputRequest, keyof StepInfo>): Promise<string | undefined>;
  pick<T>(step: number, request: Omit<PickRequest<T>, keyof StepInfo>): Promise<T | undefined>;
}

export function stepsOf(prompter: Prompter, title: string, totalSteps: number): Steps {
  return {
    input: (step, request) => prompter.input({ title, step, totalSteps, ...request }),
    pick: (step, request) => prompter.pick({ title, step, totalSteps, ...request }),
  };
}
