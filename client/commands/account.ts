/**
 * Account commands: register, login, logout, whoami, passwd (`sessions.ts` lists and revokes).
 */
import { forgetSession, saveSession } from "../config.ts";
import { VERSION } from "../../shared/version.ts";
import { ChatError } from "../errors.ts";
import type { Command, CommandContext } from "./types.ts";
import { checkPassword, expectReply, passwordStdinHint, readPasswords, userArg } from "./util.ts";

const PASSWORD_STDIN = { "password-stdin": { type: "boolean" } } as const;

/** How this program names itself to the server, shown in `chat sessions`. */
const CLIENT_NAME = `chat ${VERSION} (${process.platform})`;

async function startSession(
  ctx: CommandContext,
  type: "register" | "login",
  rawUser: string | undefined,
  fromStdin: boolean,
): Promise<number> {
  const user = userArg(rawUser);
  // A terminal asks twice when registering, to catch typos; stdin gives it once.
  const labels = type === "register" && !fromStdin ? ["Password", "Password again"] : ["Password"];
  const hint = passwordStdinHint(`${type} ${user}`);
  const [password = "", again] = await readPasswords(ctx, fromStdin, labels, hint);
  if (again !== undefined && again !== password) {
    throw new ChatError("bad_request", "the two passwords differ");
  }
  if (type === "register") checkPassword(password);
  const conn = await ctx.connect({ auth: false });
  const session = expectReply(
    await conn.request({ type, user, password, client: CLIENT_NAME }),
    "session",
  );
  saveSession(ctx.configDir, { server: ctx.server, user: session.user, token: session.token });
  if (ctx.json) ctx.io.json({ user: session.user, server: ctx.server });
  else {
    const verb = type === "register" ? "registered and logged in" : "logged in";
    ctx.io.out(`${verb} as ${session.user} on ${ctx.server}`);
  }
  return 0;
}

/** `register <user>`: create the account and save the session. */
export const register: Command = {
  name: "register",
  usage: "register <user> [--password-stdin]",
  summary: "create an account and log in",
  details: "The password is asked twice on a terminal, or read from the first line of stdin.",
  options: PASSWORD_STDIN,
  minArgs: 1,
  maxArgs: 1,
  chat: {
    usage: "register <user> [<password> <password>]",
    run: (chat, call) => chat.forms.startSession("register", call.args),
  },
  run: (ctx, { values, positionals }) =>
    startSession(ctx, "register", positionals[0], values["password-stdin"] === true),
};

/** `login <user>`: save a session for this server. */
export const login: Command = {
  name: "login",
  usage: "login <user> [--password-stdin]",
  summary: "log in and save the session for this server",
  details:
    "The password is asked on a terminal, or read from the first line of stdin.\n" +
    "Example: printf '%s\\n' \"$PASSWORD\" | chat login bot --password-stdin",
  options: PASSWORD_STDIN,
  minArgs: 1,
  maxArgs: 1,
  chat: {
    usage: "login <user> [<password>]",
    run: (chat, call) => chat.forms.startSession("login", call.args),
  },
  run: (ctx, { values, positionals }) =>
    startSession(ctx, "login", positionals[0], values["password-stdin"] === true),
};

/** `logout`: revoke the session on the server and forget it. */
export const logout: Command = {
  name: "logout",
  usage: "logout",
  summary: "revoke the session and forget it",
  options: {},
  minArgs: 0,
  maxArgs: 0,
  chat: { after: (chat) => chat.quit(0) },
  async run(ctx) {
    try {
      const conn = await ctx.connect();
      expectReply(await conn.request({ type: "logout" }), "ok");
    } catch (err) {
      // A token the server no longer knows is as good as revoked: forget it all the same.
      if (!(err instanceof ChatError && err.code === "auth_failed")) throw err;
    }
    forgetSession(ctx.configDir, ctx.server);
    if (ctx.json) ctx.io.json({ server: ctx.server, loggedOut: true });
    else ctx.io.out(`logged out of ${ctx.server}`);
    return 0;
  },
};

/** `whoami`: the user of the session in use. */
export const whoami: Command = {
  name: "whoami",
  usage: "whoami",
  summary: "print the logged-in user name (exit 4 when not logged in)",
  options: {},
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const conn = await ctx.connect();
    const user = conn.user ?? "";
    if (ctx.json) ctx.io.json({ user, server: ctx.server });
    else ctx.io.out(user);
    return 0;
  },
};

/** `passwd`: change the password. */
export const passwd: Command = {
  name: "passwd",
  usage: "passwd [--password-stdin] [--keep-sessions]",
  summary: "change your password (and log out your other sessions)",
  details:
    "With --password-stdin, stdin holds the old password, then the new one, one per line.\n" +
    "Every other session of the account is logged out, unless --keep-sessions.",
  options: { ...PASSWORD_STDIN, "keep-sessions": { type: "boolean" } },
  minArgs: 0,
  maxArgs: 0,
  async run(ctx, { values }) {
    if (ctx.token === null) throw notLoggedIn(ctx);
    const fromStdin = values["password-stdin"] === true;
    const labels = fromStdin
      ? ["old password", "new password"]
      : ["Current password", "New password", "New password again"];
    const hint = passwordStdinHint("passwd", true);
    const [old = "", fresh = "", again] = await readPasswords(ctx, fromStdin, labels, hint);
    if (again !== undefined && again !== fresh) {
      throw new ChatError("bad_request", "the two new passwords differ");
    }
    checkPassword(fresh);
    const keepSessions = values["keep-sessions"] === true;
    const conn = await ctx.connect();
    expectReply(await conn.request({ type: "passwd", old, new: fresh, keepSessions }), "ok");
    if (ctx.json) {
      ctx.io.json({ user: conn.user, passwordChanged: true, otherSessionsEnded: !keepSessions });
    } else if (keepSessions) ctx.io.out("password changed; other sessions kept");
    else ctx.io.out("password changed; other sessions logged out");
    return 0;
  },
};

/** The error for a command that needs a session when there is none. */
function notLoggedIn(ctx: CommandContext): ChatError {
  return new ChatError("auth_required", `not logged in to ${ctx.server}`);
}
