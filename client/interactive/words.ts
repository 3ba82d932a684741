/**
 * Advice written for the shell (`chat rooms`, `chat help send`, --timeout) said in the
 * chat's own words, for the chat line and its dialogs.
 */

/** `text` with shell advice turned into slash commands, and shell-only hints left out. */
export function inChatWords(text: string): string {
  return text
    .replace(/`chat help <command>` shows the usage/g, "`/help <command>` shows how to use one")
    .replace(/`chat (\w)/g, "`/$1")
    .replace(" (or set CHAT_TOKEN)", "")
    .replace(", or raise --timeout", "");
}

/**
 * An error told in a dialog: without the "error: " label, with the advice in the chat's
 * words, and without advice about command arguments or the room list (a form has neither).
 */
export function dialogWords(description: string): string {
  const lines = description
    .replace(/^error: /, "")
    .replace(", or check the current state with `chat rooms`", "")
    .split("\n");
  return inChatWords(lines.filter((l) => !l.startsWith("check the arguments")).join("\n"));
}
