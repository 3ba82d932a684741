/**
 * Modal dialogs of the interactive client, drawn by @clack/prompts. The session only sees
 * the Dialogs interface (tests pass their own); cancel (Esc, Ctrl-C, Ctrl-D) comes back as
 * null. The only other clack output, the start-up lines, is `clackScreen`'s.
 *
 * Every text handed to clack here (messages, labels, hints, values shown for editing) goes
 * through the funnel of terminal-text.ts first: clack draws with escape codes of its own,
 * so its output cannot be filtered afterwards.
 */
import * as clack from "@clack/prompts";
import type { Readable, Writable } from "node:stream";
import { cancelOnCtrlD } from "../prompt-cancel.ts";
import { toTerminal as inert } from "../terminal-text.ts";

/** One choice of a select dialog. */
export interface Choice<T> {
  value: T;
  label: string;
  hint?: string;
}

/** The dialogs the interactive client needs. Every one answers null when cancelled. */
export interface Dialogs {
  text(message: string, opts?: TextOptions): Promise<string | null>;
  password(message: string, opts?: { validate?: Validate }): Promise<string | null>;
  confirm(message: string, initial?: boolean): Promise<boolean | null>;
  /** `initial`: the choice the cursor starts on (the current value). */
  select<T extends string>(message: string, choices: Choice<T>[], initial?: T): Promise<T | null>;
  /** An informational line in the dialog style. */
  info(message: string): void;
}

/** Checks a field as it is typed: what is wrong with the value, or undefined when it is fine. */
export type Validate = (value: string) => string | undefined;

/** Options of a text field. */
export interface TextOptions {
  placeholder?: string;
  initial?: string;
  validate?: Validate;
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
          message: inert(message),
          placeholder: opts?.placeholder === undefined ? undefined : inert(opts.placeholder),
          initialValue: opts?.initial === undefined ? undefined : inert(opts.initial),
          validate: checked(opts?.validate),
        }),
      );
    },
    password(message, opts) {
      return ask<string>((signal) =>
        clack.password({
          ...io,
          signal,
          message: inert(message),
          validate: checked(opts?.validate),
        }),
      );
    },
    confirm(message, initial = true) {
      return ask<boolean>((signal) =>
        clack.confirm({ ...io, signal, message: inert(message), initialValue: initial }),
      );
    },
    select<T extends string>(message: string, choices: Choice<T>[], initial?: T) {
      const options = choices.map((c) => ({
        value: c.value,
        label: inert(c.label),
        hint: c.hint === undefined ? undefined : inert(c.hint),
      }));
      // clack's option type is conditional on the value type; a string union satisfies it.
      return ask<T>((signal) =>
        clack.select<T>({
          ...io,
          signal,
          message: inert(message),
          options: options as never,
          initialValue: initial,
        }),
      );
    },
    info(message) {
      clack.log.info(inert(message), { output: io.output });
    },
  };
}

// clack passes undefined for an empty field; its message is drawn, so it is made inert.
function checked(validate: Validate | undefined) {
  if (!validate) return undefined;
  return (value: string | undefined) => {
    const problem = validate(value ?? "");
    return problem === undefined ? undefined : inert(problem);
  };
}

/** The start-up lines of the interactive mode, drawn by clack around the dialogs. */
export interface Screen {
  intro(title: string): void;
  outro(message: string): void;
  cancel(message: string): void;
  error(message: string): void;
  spinner(): {
    start(message: string): void;
    message(text: string): void;
    stop(message: string): void;
    error(message: string): void;
  };
}

/** The Screen drawn with clack on `output`; every text made inert first. */
export function clackScreen(output: NodeJS.WritableStream): Screen {
  const opts = { output: output as unknown as Writable };
  return {
    intro: (title) => clack.intro(inert(title), opts),
    outro: (message) => clack.outro(inert(message), opts),
    cancel: (message) => clack.cancel(inert(message), opts),
    error: (message) => clack.log.error(inert(message), opts),
    spinner() {
      const spin = clack.spinner(opts);
      return {
        start: (message) => spin.start(inert(message)),
        message: (text) => spin.message(inert(text)),
        stop: (message) => spin.stop(inert(message)),
        error: (message) => spin.error(inert(message)),
      };
    },
  };
}
