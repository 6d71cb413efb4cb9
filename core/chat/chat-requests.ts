// What a person does in a chat, as the incident channel use case sees it, whatever chat it came from: a command,
// a shortcut, a submitted form, a reaction. Each chat's parser (slack-requests.ts) produces these.

/** A submitted form's values by field id: text, a chosen option's value, or a ticked checkbox. */
export type FormValues = Readonly<Record<string, string | boolean>>;

export type ChatRequest =
  | { readonly type: 'verify'; readonly challenge: string }
  | {
      readonly type: 'command';
      readonly command: string;
      readonly text: string;
      readonly user: string;
      readonly channel: string;
      readonly channelName: string;
      readonly trigger: string;
      readonly responseUrl: string;
    }
  | { readonly type: 'shortcut'; readonly id: string; readonly user: string; readonly trigger: string }
  | {
      readonly type: 'submit';
      readonly form: string;
      /** The form instance (Slack's view id): the same submission is one write. */
      readonly formId: string;
      readonly user: string;
      readonly values: FormValues;
      readonly context: string;
    }
  | {
      readonly type: 'reaction';
      readonly user: string;
      readonly reaction: string;
      readonly channel: string;
      readonly ts: string;
    }
  | { readonly type: 'ignored'; readonly why: string }
  | { readonly type: 'invalid'; readonly why: string };
