/** Stable codes clients and tests can rely on; messages are for humans and may change. */
export type AuthErrorCode =
  | 'AUTH.TOKEN_MISSING'
  | 'AUTH.TOKEN_INVALID'
  | 'AUTH.FORBIDDEN_ROLE'
  | 'AUTH.VERIFIER_UNAVAILABLE';

export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The HTTP error body: `{ code, message }`. */
  toBody(): { code: AuthErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
