/**
 * `version`: the version of this `chat`, the same as `chat --version`. Needs no server.
 */
import { VERSION } from "../../shared/version.ts";
import type { Command } from "./types.ts";

/** `version`: print the client's version. */
export const version: Command = {
  name: "version",
  usage: "version",
  summary: "print the version of chat (also `chat --version`)",
  options: {},
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    if (ctx.json) ctx.io.json({ version: VERSION });
    else ctx.io.out(`chat ${VERSION}`);
    return 0;
  },
};
