/**
 * Session commands: `sessions` lists where the account is logged in, `revoke` ends one of
 * those sessions or all but this one.
 */
import type { SessionInfo } from "../../shared/protocol.ts";
import { UsageError } from "../errors.ts";
import { formatTime, renderTable } from "../render.ts";
import type { Command } from "./types.ts";
import { expectReply, request } from "./util.ts";

/** A session as `sessions --json` prints it. */
function sessionJson(s: SessionInfo): Record<string, unknown> {
  return {
    id: s.id,
    created: s.created,
    lastUsed: s.lastUsed,
    client: s.client,
    address: s.address,
    current: s.current,
  };
}

/** `sessions`: the caller's sessions. */
export const sessions: Command = {
  name: "sessions",
  usage: "sessions",
  summary: "list where your account is logged in",
  details:
    "Each session: its id (for `chat revoke`), when it was created and last used (to the\n" +
    "hour), the client and the address it logged in from; `*` marks this one.",
  options: {},
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const reply = expectReply(await request(ctx, { type: "sessions" }), "sessions");
    if (ctx.json) {
      for (const s of reply.sessions) ctx.io.json(sessionJson(s));
      return 0;
    }
    const rows = reply.sessions.map((s) => [
      s.current ? "*" : "",
      s.id,
      formatTime(s.created, true),
      formatTime(s.lastUsed, true),
      s.address,
      s.client,
    ]);
    const headers = ["", "ID", "CREATED", "LAST USED", "ADDRESS", "CLIENT"];
    ctx.io.out(renderTable(headers, rows, ctx.io.colors, ctx.io.columns, 1));
    return 0;
  },
};

/** `revoke <id>|--all-others`: end a session. */
export const revoke: Command = {
  name: "revoke",
  usage: "revoke <id> | revoke --all-others",
  summary: "log out one session (an id from `chat sessions`) or all but this one",
  details:
    "Connections using a revoked session are logged out at once. Revoking this session's\n" +
    "own id logs this client out too; `chat logout` does that and forgets it.",
  options: { "all-others": { type: "boolean" } },
  minArgs: 0,
  maxArgs: 1,
  async run(ctx, { values, positionals }) {
    const id = positionals[0];
    const isAllOthers = values["all-others"] === true;
    if ((id === undefined) === !isAllOthers) {
      throw new UsageError(
        "give a session id or --all-others (not both)",
        `usage: chat ${this.usage}`,
      );
    }
    const msg = isAllOthers
      ? ({ type: "revoke", allOthers: true } as const)
      : ({ type: "revoke", session: id } as const);
    const reply = expectReply(await request(ctx, msg), "revoked");
    if (ctx.json) ctx.io.json({ revoked: reply.count });
    else if (!isAllOthers) ctx.io.out(`revoked session ${id}`);
    else ctx.io.out(`revoked ${reply.count} other session${reply.count === 1 ? "" : "s"}`);
    return 0;
  },
};
