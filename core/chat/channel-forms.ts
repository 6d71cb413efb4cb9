// The incident channel's forms (modals), chat-neutral: each chat adapter renders a ChatForm its own way (Slack: a
// modal view with one input block per field) and hands the values back by field id.
import type { FirebreakConfig } from '../domain/config';
import { MILESTONES } from '../domain/incident';
import type { ChatForm } from './chat-port';

export const DECLARE_FORM = 'firebreak_declare';
export const UPDATE_FORM = 'firebreak_update';

/** Declare: title, severity (the config's, with descriptions), service, description, private. */
export function declareForm(config: FirebreakConfig, title: string, context: string): ChatForm {
  return {
    id: DECLARE_FORM,
    title: 'Declare an incident',
    submit: 'Declare',
    context,
    fields: [
      {
        id: 'title',
        label: 'Title: what is wrong, in a few words',
        kind: 'text',
        ...(title ? { initial: title } : {}),
      },
      {
        id: 'severity',
        label: 'Severity',
        kind: 'select',
        initial: config.severities.at(-1)?.name ?? 'triage',
        options: config.severities.map((s) => ({ value: s.name, label: s.name, description: s.description })),
      },
      config.services.length > 0
        ? {
            id: 'service',
            label: 'Service',
            kind: 'select',
            optional: true,
            options: config.services.map((s) => ({ value: s.name, label: s.name })),
          }
        : { id: 'service', label: 'Service', kind: 'text', optional: true },
      { id: 'description', label: 'Description', kind: 'multiline', optional: true },
      { id: 'private', label: 'Private (a private channel and repository)', kind: 'checkbox', optional: true },
    ],
  };
}

/** Update: status (optional), text, publish on the status page? */
export function updateForm(number: number, text: string, context: string): ChatForm {
  return {
    id: UPDATE_FORM,
    title: `Update on #${number}`,
    submit: 'Post update',
    context,
    fields: [
      {
        id: 'status',
        label: 'Status',
        kind: 'select',
        optional: true,
        options: MILESTONES.filter((m) => m !== 'declared').map((m) => ({ value: m, label: m })),
      },
      { id: 'text', label: 'Update', kind: 'multiline', ...(text ? { initial: text } : {}) },
      { id: 'public', label: 'Publish on the status page', kind: 'checkbox', optional: true },
    ],
  };
}
