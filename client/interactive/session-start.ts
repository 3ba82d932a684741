/**
 * `/login` and `/register` in the chat: on the live connection after a session was ended
 * elsewhere, or on a connection of their own to switch accounts; the seed's forms with the
 * password(s) on the line answer the password questions.
 */
import type { PromptHooks } from "../commands.ts";
import { showNotice } from "./display.ts";
import type { ChatSession } from "./session.ts";
import { ask, runTable, type SlashOptions } from "./table.ts";

/** Log in or register from the chat line. */
export async function startSession(
  session: ChatSession,
  opts: SlashOptions,
  name: "login" | "register",
  args: string[],
): Promise<void> {
  const [user, ...given] = args;
  const argv = user ? [name, user] : [name];
  const hooks: Partial<PromptHooks> | undefined =
    given.length > 0
      ? {
          password: async (message) => {
            const next = given.length > 1 ? given.shift() : given[0];
            if (next !== undefined) return next;
            return ask(session, (d) => d.password(message));
          },
        }
      : undefined;
  // Logged out elsewhere with the connection still up: log in again on it.
  if (session.isLoggedOut && !session.isOffline) return logInAgain(session, opts, argv, hooks);
  if ((opts.conn.user || session.isOffline) && opts.dial) {
    return switchAccount(session, opts, argv, hooks);
  }
  const code = await runTable(session, opts, argv, hooks);
  if (code !== 0 || !opts.conn.user) return;
  session.me = opts.conn.user;
  await session.refreshRooms();
}

// The live connection took the new session: the same user carries on where the chat
// stopped; another user starts over, as their rooms and history differ.
async function logInAgain(
  session: ChatSession,
  opts: SlashOptions,
  argv: string[],
  hooks: Partial<PromptHooks> | undefined,
): Promise<void> {
  const code = await runTable(session, opts, argv, hooks);
  if (code !== 0) return;
  if (opts.conn.user !== session.me) return session.switchAccount();
  await session.loggedInAgain();
}

// Logged in already: the server takes one session per connection, so the new one is made
// on a connection of its own and saved, and the chat starts over with it.
async function switchAccount(
  session: ChatSession,
  opts: SlashOptions,
  argv: string[],
  hooks: Partial<PromptHooks> | undefined,
): Promise<void> {
  const c = session.opts.colors;
  if (argv[0] === "login" && argv[1]?.toLowerCase() === session.me && !session.isOffline) {
    session.print(showNotice(`already logged in as ${session.me}`, c));
    return;
  }
  const conn = await opts.dial?.();
  if (!conn) return;
  try {
    const code = await runTable(session, opts, argv, hooks, false, conn);
    if (code === 0) session.switchAccount();
  } finally {
    conn.close();
  }
}
