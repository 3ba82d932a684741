/**
 * Messages typed in the chat that have not reached the server yet. A message typed while
 * the connection is down waits here and goes out once it is back, with the clientId it got
 * when it was typed: if an earlier attempt did arrive, the server answers with that one
 * instead of storing it twice. A message the server refuses goes back into the input.
 */
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";
import { ConnectionError, describeError } from "../errors.ts";

/** A message to a room or a DM, as typed (an action for `/me`). */
export type Outgoing =
  { room: string; text: string; action?: boolean } | { to: string; text: string; action?: boolean };

/** What the outbox needs of the session. */
export interface OutboxTarget {
  request(msg: ClientMessage): Promise<ServerMessage>;
  /** True while the connection is up. */
  isOnline(): boolean;
  /** The server's reply to a send (the message as stored). */
  sent(reply: ServerMessage): void;
  notice(text: string): void;
  error(text: string): void;
  /** Put text back into the input line. */
  restore(text: string): void;
}

type Send = Extract<ClientMessage, { type: "send" | "dm" }> & { clientId: string };

/** Most messages that wait for the connection; more stay in the input line. */
export const OUTBOX_MAX = 50;

/** Sends messages and DMs, holding them while the connection is down. */
export class Outbox {
  #target: OutboxTarget;
  #waiting: Send[] = [];
  #isFlushing = false;

  constructor(target: OutboxTarget) {
    this.#target = target;
  }

  /** How many messages wait for the connection. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Send now, or as soon as the connection is back. */
  async send(message: Outgoing): Promise<void> {
    const clientId = crypto.randomUUID();
    const msg: Send =
      "to" in message
        ? { type: "dm", ...message, clientId }
        : { type: "send", ...message, clientId };
    if (!this.#target.isOnline() || this.#waiting.length > 0) {
      this.#hold(msg);
      return;
    }
    await this.#try(msg);
  }

  /** The connection is back: send what waited, in the order it was typed. */
  async flush(): Promise<void> {
    if (this.#isFlushing) return;
    this.#isFlushing = true;
    try {
      while (this.#waiting.length > 0 && this.#target.isOnline()) {
        const msg = this.#waiting.shift();
        if (msg && !(await this.#try(msg))) break;
      }
    } finally {
      this.#isFlushing = false;
    }
  }

  /** The chat ends: what still waits is put back in the input, not dropped unseen. */
  giveBack(): string[] {
    const texts = this.#waiting.map((m) => m.text);
    this.#waiting = [];
    return texts;
  }

  #hold(msg: Send): void {
    if (this.#waiting.length >= OUTBOX_MAX) {
      this.#target.error(`not sent: ${OUTBOX_MAX} messages already wait for the connection`);
      this.#target.restore(msg.text);
      return;
    }
    this.#waiting.push(msg);
    const preview = msg.text.length > 40 ? `${msg.text.slice(0, 40)}...` : msg.text;
    this.#target.notice(
      `not connected: "${preview.replace(/\n/g, " ")}" is sent when the connection is back`,
    );
  }

  // False when the connection went away again (the message waits at the front).
  async #try(msg: Send): Promise<boolean> {
    try {
      this.#target.sent(await this.#target.request(msg));
      return true;
    } catch (err) {
      // Lost with the connection: it waits. A server that is up but slow gets it back typed.
      if (err instanceof ConnectionError && !this.#target.isOnline()) {
        this.#waiting.unshift(msg);
        this.#target.notice("not sent yet: it goes out when the connection is back");
        return false;
      }
      this.#target.error(
        `not sent: ${describeError(err)
          .split("\n")[0]
          ?.replace(/^error: /, "")}`,
      );
      this.#target.restore(msg.text);
      return true;
    }
  }
}
