/**
 * The checks of form fields, run as each is typed: a value the server would refuse is
 * explained at once and the field keeps what was typed.
 */
import { LIMITS, normalizeRoomName, normalizeUserName } from "../../shared/protocol.ts";

const NAME_RULE = "1-32 characters: a-z 0-9 _ - (a letter or digit first)";

/** What is wrong with a user name as typed, or undefined. */
export function userProblem(raw: string): string | undefined {
  return normalizeUserName(raw) ? undefined : NAME_RULE;
}

/** What is wrong with a room name as typed, or undefined. */
export function roomProblem(raw: string): string | undefined {
  return normalizeRoomName(raw) ? undefined : NAME_RULE;
}

/** What is wrong with a new password, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < LIMITS.passwordMin) {
    return `at least ${LIMITS.passwordMin} characters (${password.length} so far)`;
  }
  if (password.length > LIMITS.passwordMax) return `at most ${LIMITS.passwordMax} characters`;
  return undefined;
}
