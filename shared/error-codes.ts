/** Wire error codes, and the `chat` exit code each one maps to. */

/** Wire error codes. */
export const ErrorCode = {
  BadRequest: "bad_request",
  AuthRequired: "auth_required",
  AuthFailed: "auth_failed",
  Forbidden: "forbidden",
  NotFound: "not_found",
  Conflict: "conflict",
  RateLimited: "rate_limited",
  Internal: "internal",
} as const;

/** One of the wire error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `chat` exit code for each wire error code (SPEC section 2.7). */
export const EXIT_CODE_FOR_ERROR: Record<ErrorCode, number> = {
  bad_request: 2,
  auth_required: 4,
  auth_failed: 4,
  forbidden: 5,
  not_found: 3,
  conflict: 6,
  rate_limited: 1,
  internal: 1,
};

/** True for the wire error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.values(ErrorCode).includes(value as ErrorCode);
}
