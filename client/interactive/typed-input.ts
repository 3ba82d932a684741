/**
 * What happens to a submitted line: a slash command runs, text goes to the current view.
 * Nothing typed is lost: a message over the limit, a paste the user does not confirm, text
 * with no room to go to or while logged out all go back into the input.
 */
import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import type { Colors } from "../render.ts";
import type { Dialogs } from "./dialogs.ts";
import { type Shown, showError, showNotice } from "./display.ts";
import { messageText } from "./input-status.ts";
import { maskSecrets } from "./mask.ts";

/** A paste of more lines than this asks before it is sent. */
export const PASTE_ASK_LINES = 5;

/** The parts of the session a submitted line needs. */
export interface TypedInputTarget {
  readonly line: { eraseSubmitted(): void; restore(text: string): void };
  /** Where plain text goes: `#dev`, `@bob`, or null when there is no view. */
  readonly viewName: string | null;
  readonly isLoggedOut: boolean;
  readonly opts: { colors: Colors };
  print(shown: Shown | string): void;
  modal<T>(dialog: (dialogs: Dialogs) => Promise<T>): Promise<T>;
}

/** How submitted lines are acted on. */
export interface TypedInputOptions {
  session: TypedInputTarget;
  /** Run a slash command (without its slash). */
  runSlash(line: string): Promise<void>;
  /** Withdraw a standing typing notice. */
  stopTyping(): void;
  /** Send a message to the current view (or hold it until the connection is back). */
  send(text: string): Promise<void>;
}

/** Acts on lines submitted on the chat line. */
export class TypedInput {
  #o: TypedInputOptions;

  constructor(opts: TypedInputOptions) {
    this.#o = opts;
  }

  /** A line was submitted with Enter. */
  async submitted(text: string): Promise<void> {
    const s = this.#o.session;
    const line = text.trim();
    if (line === "") return;
    const c = s.opts.colors;
    const body = messageText(text);
    if (body !== null && body.length > LIMITS.textMax) {
      // Over the limit: refused here, and kept in the input to be shortened.
      s.line.eraseSubmitted();
      s.line.restore(text);
      const over = body.length - LIMITS.textMax;
      s.print(showError(`not sent: ${over} characters over the limit of ${LIMITS.textMax}`, c));
      return;
    }
    if (line.startsWith("/") && !line.startsWith("//")) {
      s.line.eraseSubmitted();
      // A sent DM or message shows as the server echoes it; other commands are echoed dim.
      if (!/^\/(dm|msg|send)\s/i.test(line)) s.print(c.dim(maskSecrets(line)));
      await this.#o.runSlash(line.slice(1));
      return;
    }
    s.line.eraseSubmitted();
    await this.#sayAfterAsking(body ?? line);
  }

  // A paste of more than a few lines is sent only when the user says so; if not, it goes
  // back into the input.
  async #sayAfterAsking(text: string): Promise<void> {
    const s = this.#o.session;
    const lines = text.split("\n").length;
    if (lines > PASTE_ASK_LINES && s.viewName && !s.isLoggedOut) {
      const where = sanitizeText(s.viewName);
      const isSure = await s.modal((d) =>
        d.confirm(`Send these ${lines} lines to ${where} as one message?`, true),
      );
      if (isSure !== true) {
        s.line.restore(text);
        s.print(showNotice("not sent; the text is back in the input", s.opts.colors));
        return;
      }
    }
    await this.say(text);
  }

  /** Send text to the current view. */
  async say(text: string): Promise<void> {
    const s = this.#o.session;
    const c = s.opts.colors;
    if (!s.viewName) {
      s.line.restore(text);
      s.print(showError("you are in no room: /join <room> first", c));
      return;
    }
    if (s.isLoggedOut) {
      s.line.restore(text);
      s.print(showError("not sent: you are logged out; /login logs in again", c));
      return;
    }
    this.#o.stopTyping();
    await this.#o.send(text);
  }
}
