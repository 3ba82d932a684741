/** What the domain tests of logins and sessions share: a login frame and the token of a reply. */
import type { ServerMessage } from "../../shared/protocol.ts";

/** The login of the user most tests register as alice. */
export const ALICE_LOGIN = { type: "login", user: "alice", password: "password1" };

/** The token of a `session` reply; throws on any other reply. */
export function tokenOf(reply: ServerMessage): string {
  if (reply.type !== "session") throw new Error(`expected a session, got ${reply.type}`);
  return reply.token;
}
