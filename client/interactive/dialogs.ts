/**
 * Modal dialogs of the interactive client, drawn by @clack/prompts. The session only sees
 * the Dialogs interface (tests pass their own); cancel (Esc, Ctrl-C) comes back as null.
 */
import * as clack from "@clack/prompts";
import type { Readable, Writable } from "node:stream";

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
  function orNull<T>(value: T | symbol): T | null {
    return typeof value === "symbol" ? null : value;
  }
  return {
    async text(message, opts) {
      const value = await clack.text({
        ...io,
        message,
        placeholder: opts?.placeholder,
        initialValue: opts?.initial,
      });
      return orNull<string>(value);
    },
    async password(message) {
      return orNull<string>(await clack.password({ ...io, message }));
    },
    async confirm(message, initial = true) {
      return orNull<boolean>(await clack.confirm({ ...io, message, initialValue: initial }));
    },
    async select<T extends string>(message: string, choices: Choice<T>[]) {
      const options = choices.map((c) => ({ value: c.value, label: c.label, hint: c.hint }));
      // clack's option type is conditional on the value type; a string union satisfies it.
      const value = await clack.select<T>({ ...io, message, options: options as never });
      return orNull<T>(value);
    },
    info(message) {
      clack.log.info(message, { output: io.output });
    },
  };
}
