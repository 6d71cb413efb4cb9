// The Prompter on VS Code: multi-step QuickInput with titles and step counts, validation while typing, modal
// confirmations and notifications. Inputs stay open when focus moves, so copying an error message loses nothing.
import * as vscode from 'vscode';
import type { ConfirmRequest, InputRequest, PickItem, PickRequest, Prompter } from './flows/prompter';

interface ValueItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

export class VsCodePrompter implements Prompter {
  input(request: InputRequest): Promise<string | undefined> {
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      box.title = request.title;
      box.step = request.step;
      box.totalSteps = request.totalSteps;
      box.prompt = request.prompt;
      box.placeholder = request.placeholder;
      box.value = request.value ?? '';
      box.password = request.password === true;
      box.ignoreFocusOut = true;
      let settled = false;
      const finish = (value: string | undefined) => {
        if (settled) return;
        settled = true;
        resolve(value);
        box.hide();
      };
      const disposables = [
        box.onDidChangeValue((value) => {
          // Empty input is not flagged while the person has not typed yet; Enter still checks it.
          box.validationMessage = value === '' ? undefined : request.validate?.(value);
        }),
        box.onDidAccept(() => {
          const problem = request.validate?.(box.value);
          if (problem) {
            box.validationMessage = problem;
            return;
          }
          finish(box.value);
        }),
        box.onDidHide(() => {
          finish(undefined);
          disposables.forEach((d) => d.dispose());
          box.dispose();
        }),
      ];
      box.show();
    });
  }

  pick<T>(request: PickRequest<T>): Promise<T | undefined> {
    return this.showPick(request, false).then((values) => values?.[0]);
  }

  pickMany<T>(request: PickRequest<T>): Promise<T[] | undefined> {
    return this.showPick(request, true);
  }

  async confirm(request: ConfirmRequest): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(
      request.message,
      { modal: true, ...(request.detail ? { detail: request.detail } : {}) },
      request.confirm,
    );
    return choice === request.confirm;
  }

  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    return vscode.window.showInformationMessage(message, ...actions);
  }

  async warn(message: string, ...actions: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, ...actions);
  }

  async progress<T>(title: string, task: () => Promise<T>): Promise<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => task());
  }

  private showPick<T>(request: PickRequest<T>, many: boolean): Promise<T[] | undefined> {
    return new Promise((resolve) => {
      const pick = vscode.window.createQuickPick<ValueItem<T>>();
      pick.title = request.title;
      pick.step = request.step;
      pick.totalSteps = request.totalSteps;
      pick.placeholder = request.placeholder;
      pick.canSelectMany = many;
      pick.matchOnDescription = request.matchOnDescription === true;
      pick.matchOnDetail = request.matchOnDetail === true;
      pick.ignoreFocusOut = true;
      const items = request.items.map(toItem);
      pick.items = items;
      if (many) pick.selectedItems = items.filter((_item, i) => request.items[i]?.picked === true);
      const active = items.find((item) => request.active !== undefined && item.value === request.active);
      if (active) pick.activeItems = [active];
      let settled = false;
      const disposables = [
        pick.onDidAccept(() => {
          const chosen = many ? pick.selectedItems : pick.activeItems.slice(0, 1);
          if (!many && chosen.length === 0) return;
          settled = true;
          resolve(chosen.map((item) => item.value));
          pick.hide();
        }),
        pick.onDidHide(() => {
          if (!settled) resolve(undefined);
          settled = true;
          disposables.forEach((d) => d.dispose());
          pick.dispose();
        }),
      ];
      pick.show();
    });
  }
}

function toItem<T>(item: PickItem<T>): ValueItem<T> {
  return {
    label: item.label,
    ...(item.description !== undefined ? { description: item.description } : {}),
    ...(item.detail !== undefined ? { detail: item.detail } : {}),
    ...(item.picked !== undefined ? { picked: item.picked } : {}),
    value: item.value,
  };
}
