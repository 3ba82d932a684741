/**
 * The recent messages that named the user, for `/mentions`: kept on this device only, the
 * newest MENTIONS_MAX, each shown once however often it arrives (live, replayed, in history).
 */
import type { ChatMessage } from "../../shared/protocol.ts";

/** Most mentions kept. */
export const MENTIONS_MAX = 50;

/** The newest messages that mentioned the user. */
export class MentionList {
  #items: ChatMessage[] = [];

  /** Keep a message that mentioned the user. */
  add(message: ChatMessage): void {
    if (this.#items.some((m) => m.id === message.id)) return;
    this.#items.push(message);
    if (this.#items.length > MENTIONS_MAX) this.#items.shift();
  }

  /** A kept message changed (edited) or is gone (deleted). */
  update(message: ChatMessage): void {
    const index = this.#items.findIndex((m) => m.id === message.id);
    if (index === -1) return;
    if (message.deleted === true) this.#items.splice(index, 1);
    else this.#items[index] = message;
  }

  /** The kept mentions, oldest first. */
  get items(): readonly ChatMessage[] {
    return this.#items;
  }
}
