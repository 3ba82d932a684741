/** What a connection remembers of its session: the token, the user, the cursor to resume from. */
import type { ServerMessage } from "../shared/protocol.ts";
import type { ConnectionOptions } from "./connection-options.ts";
import type { ServerEvent } from "./event-feed.ts";

/** The session a connection holds, kept up to date from replies and events. */
export class SessionKeeper {
  /** The session token in use, learnt from the options or a `session` reply. */
  token: string | null;
  /** The logged-in user, once a session exists (auth, login or register). */
  user: string | null = null;
  /** With `resume`: the cursor a reconnect resumes from (null before the first session). */
  cursor: string | null;
  readonly #isResuming: boolean;

  constructor(opts: Pick<ConnectionOptions, "token" | "since" | "resume">) {
    this.token = opts.token ?? null;
    this.cursor = opts.since ?? null;
    this.#isResuming = opts.resume === true;
  }

  /** The `since` an authentication carries (null: none). */
  get since(): string | null {
    return this.#isResuming ? this.cursor : null;
  }

  /** A reply to a request of type `requested` arrived. */
  replied(requested: string, reply: ServerMessage): void {
    if (reply.type === "session") {
      this.user = reply.user;
      this.token = reply.token;
      if (this.#isResuming && this.cursor === null) this.cursor = reply.cursor ?? null;
    } else if (requested === "logout" && reply.type === "ok") {
      this.token = null;
      this.user = null;
    }
  }

  /** An event arrived: with `resume`, the greatest position received is kept. */
  followed(frame: ServerEvent): void {
    if (!this.#isResuming) return;
    // Seqs and cursors of one server compare as strings.
    const at = frame.type === "synced" ? frame.cursor : frame.seq;
    if (typeof at === "string" && (this.cursor === null || at > this.cursor)) this.cursor = at;
  }
}
