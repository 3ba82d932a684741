/**
 * Ctrl-D makes a clack prompt's readline close itself without an answer; the prompt then
 * waits forever on a terminal no longer in raw mode. Here it cancels the prompt instead.
 */

/** Run a clack prompt with a signal that Ctrl-D on `input` aborts (clack then cancels). */
export async function cancelOnCtrlD<T>(
  input: NodeJS.ReadableStream,
  prompt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onKey = (_text: unknown, key?: { ctrl?: boolean; name?: string }) => {
    if (key?.ctrl && key.name === "d") controller.abort();
  };
  input.on("keypress", onKey);
  try {
    return await prompt(controller.signal);
  } finally {
    input.removeListener("keypress", onKey);
  }
}
