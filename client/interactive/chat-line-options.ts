/** What the chat line is given (streams, prompt, look) and what it reports to its owner. */

/** Streams the chat line reads keys from and draws to (process.stdin/stdout, or test doubles). */
export interface ChatLineStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** What the chat line reports to its owner. */
export interface ChatLineHandlers {
  /** The input was submitted with Enter (a paste's newlines included). */
  onLine(line: string): void;
  /** The input changed (typed, pasted, deleted, cleared, submitted): once per chunk of keys. */
  onEdit?(line: string): void;
  /** Ctrl-C on an empty line. */
  onInterrupt?(): void;
  /** Ctrl-D on an empty line, or the input ended. */
  onEnd?(): void;
  /** A key asked to switch views (Ctrl-N/P, Alt-Left/Right, Alt-1..9). */
  onView?(move: { step?: number; number?: number }): void;
  /** The input history changed (newest first). */
  onHistory?(history: string[]): void;
}

/** Options of the chat line. */
export interface ChatLineOptions extends ChatLineStreams, ChatLineHandlers {
  prompt: string;
  history?: string[];
  historySize?: number;
  /** Tab completion: candidates and the part of the line they replace. */
  completer?: (line: string) => [string[], string];
  /** Lines never kept in the input history (they carry a password). */
  isSecret?: (line: string) => boolean;
  /** The input as shown: passwords hidden, the length unchanged. */
  mask?: (line: string) => string;
  /** A status row under the input for this text (counts near a limit), or null. */
  status?: (line: string) => string | null;
  /** A status row above the prompt (the views), fitted to `columns`, or null. */
  header?: (columns: number) => string | null;
  /** The clock of the paste window (ms). */
  now?: () => number;
}
