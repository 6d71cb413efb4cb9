// Error answers in GitHub's shape ({message, errors?, documentation_url, status}), thrown by route handlers.
// The server fills in documentation_url from the route when the handler did not choose one.

export interface FieldError {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  value?: unknown;
  message?: string;
}

export const GENERIC_DOCS = 'https://docs.github.com/rest';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    readonly documentationUrl?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(defaultDocs: string): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: this.documentationUrl ?? defaultDocs,
      status: String(this.status),
    };
  }
}

export const notFound = (): ApiError => new ApiError(404, 'Not Found');
export const requiresAuthentication = (): ApiError => new ApiError(401, 'Requires authentication');
export const forbidden = (message: string): ApiError => new ApiError(403, message);
export const validationFailed = (...errors: FieldError[]): ApiError => new ApiError(422, 'Validation Failed', errors);
/** GitHub's answer when a body does not fit the operation's JSON schema, e.g. a missing required field. */
export const invalidRequest = (detail: string): ApiError => new ApiError(422, `Invalid request.\n\n${detail}`);
