/**
 * Modal dialogs of the interactive client, drawn by @clack/prompts. The session only sees
 * the Dialogs interface (tests pass their own); cancel (Esc, Ctrl-C, Ctrl-D) comes back as
 * null.
 */
import * as clack from "@clack/prompts";
import type { Readable, Writable } from "node:stream";
import { cancelOnCtrlD } from "../prompt-cancel.ts";

/** One choice of a select dialog. */
export interface Choice<T> {
  value: T;
  label: string;
  hint?: string;
}

/** The dialogs the interactive client needs. Every one answers null when cancelled. */
export interface Dialogs {
  text(message: string, opts?: { placeholder?: string; initial?: string }): Promise<string | null>;
  password(message: string): Promise<string | null>;
  confirm(message: string, initial?: boolean): Promise<boolean | null>;
  select<T extends string>(message: string, choices: Choice<T>[]): Promise<T | null>;
  /** An informational line in the dialog style. */
  info(message: string): void;
}

/** Streams the dialogs draw on. */
export interface DialogStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Dialogs drawn with clack on the given streams. */
export function clackDialogs(streams: DialogStreams): Dialogs {
  const io = {
    input: streams.input as unknown as Readable,
    output: streams.output as unknown as Writable,
  };
  async function ask<T>(prompt: (signal: AbortSignal) => Promise<T | symbol>): Promise<T | null> {
    const value = await cancelOnCtrlD(io.input, prompt);
    return typeof value === "symbol" ? null : (value as T);
  }
  return {
    text(message, opts) {
      return ask<string>((signal) =>
        clack.text({
          ...io,
          signal,
          message,
          placeholder: opts?.placeholder,
          initialValue: opts?.initial,
        }),
      );
    },
    password(message) {
      return ask<string>((signal) => clack.password({ ...io, signal, message }));
    },
    confirm(message, initial = true) {
      return ask<boolean>((signal) =>
        clack.confirm({ ...io, signal, message, initialValue: initial }),
      );
    },
    select<T extends string>(message: string, choices: Choice<T>[]) {
      const options = choices.map((c) => ({ value: c.value, label: c.label, hint: c.hint }));
      // clack's option type is conditional on the value type; a string union satisfies it.
      return ask<T>((signal) =>
        clack.select<T>({ ...io, signal, message, options: options as never }),
      );
    },
    info(message) {
      clack.log.info(message, { output: io.output });
    },
  };
}
