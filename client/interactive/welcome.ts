/**
 * The welcome form of the interactive mode: log in or create an account. Each field is
 * checked as it is typed; after a refusal only what was refused is asked again (the name
 * when it is taken, the password when it is wrong), and said without shell advice.
 */
import type { Connection } from "../connection.ts";
import { ChatError, ConnectionError, describeError } from "../errors.ts";
import type { Dialogs, Screen } from "./dialogs.ts";
import { passwordProblem, userProblem } from "./field-checks.ts";
import { dialogWords } from "./words.ts";

/**
 * Log in or create an account on `conn` in a form; the user name, or null when cancelled
 * or the connection failed.
 */
export async function logIn(
  conn: Connection,
  d: Dialogs,
  out: Pick<Screen, "error">,
): Promise<string | null> {
  const action = await d.select("No saved session for this server", [
    { value: "login", label: "Log in" },
    { value: "register", label: "Create an account" },
  ]);
  if (action === null) return null;
  let name: string | null = null;
  let password: string | null = null;
  for (;;) {
    name ??= await askName(d);
    if (name === null) return null;
    password ??= await askPassword(d, action === "register");
    if (password === null) return null;
    try {
      const reply = await conn.request({ type: action, user: name, password });
      if (reply.type === "session") return reply.user;
    } catch (err) {
      out.error(dialogWords(describeError(err)));
      if (err instanceof ConnectionError) return null;
      const isTaken = err instanceof ChatError && err.code === "conflict";
      if (isTaken) name = await askName(d, name);
      else password = null;
    }
  }
}

async function askName(d: Dialogs, initial?: string): Promise<string | null> {
  const typed = await d.text("User name", {
    placeholder: "a-z 0-9 _ -",
    initial,
    validate: userProblem,
  });
  return typed === null ? null : typed.trim();
}

// A new password is asked twice, each checked as typed; null: cancelled.
async function askPassword(d: Dialogs, isNew: boolean): Promise<string | null> {
  const password = await d.password("Password", { validate: isNew ? passwordProblem : undefined });
  if (password === null || !isNew) return password;
  const again = await d.password("Password again", {
    validate: (v) => (v === password ? undefined : "the two passwords differ"),
  });
  return again === null ? null : password;
}
