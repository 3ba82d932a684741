/** The chat line's keys: raw mode on the terminal, keys read a chunk at a time, pastes as text. */
import { emitKeypressEvents } from "node:readline";
import type { ChatLineStreams } from "./chat-line-options.ts";
import type { Key } from "./line-editor.ts";
import { type KeyPress, PasteReader, type ReadItem } from "./paste.ts";

/** What the keys are handed to. */
export interface KeyTarget {
  /** Keys decoded from one read of the terminal (a paste as text), to handle together. */
  chunk(items: Iterable<ReadItem>): void;
  /** The input ended. */
  ended(): void;
  /** The terminal's size changed. */
  resized(): void;
}

type RawInput = NodeJS.ReadableStream & { setRawMode?(mode: boolean): unknown };

/** Listens to the terminal's keys while the chat line has it. */
export class ChatKeys {
  #streams: ChatLineStreams;
  #target: KeyTarget;
  #paste: PasteReader;
  #chunk: KeyPress[] = [];
  #isListening = false;
  #onKeypress = (str: string | undefined, key: Key | undefined): void => {
    if (!this.#isListening) return;
    this.#chunk.push([str, key ?? {}]);
    if (this.#chunk.length === 1) queueMicrotask(() => this.#takeChunk());
  };
  #onInputEnd = (): void => this.#target.ended();
  #onResize = (): void => this.#target.resized();

  constructor(streams: ChatLineStreams, target: KeyTarget, now?: () => number) {
    this.#streams = streams;
    this.#target = target;
    this.#paste = new PasteReader(now);
  }

  /** Take the terminal: raw mode, key and size listeners. */
  listen(): void {
    const input = this.#streams.input as RawInput;
    emitKeypressEvents(input);
    input.setRawMode?.(true);
    input.on("keypress", this.#onKeypress);
    input.on("end", this.#onInputEnd);
    this.#streams.output.on("resize", this.#onResize);
    input.resume();
    this.#isListening = true;
  }

  /** Give the terminal back (to a dialog, or for good); keys not yet handled are dropped. */
  stop(): void {
    this.#isListening = false;
    this.#chunk = [];
    this.#paste.reset();
    const input = this.#streams.input as RawInput;
    input.removeListener("keypress", this.#onKeypress);
    input.removeListener("end", this.#onInputEnd);
    this.#streams.output.removeListener("resize", this.#onResize);
    input.setRawMode?.(false);
    input.pause();
  }

  #takeChunk(): void {
    const keys = this.#chunk;
    this.#chunk = [];
    if (!this.#isListening) return;
    this.#target.chunk(this.#paste.read(keys));
  }
}
