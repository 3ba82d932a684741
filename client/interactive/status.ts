/**
 * The prompt of the chat line: the current room (or `@bob` in a DM view), who is typing there, and the state of
 * the connection and the session, e.g. `#lobby> `, `#lobby (bob is typing)> `,
 * `[reconnecting in 4s] #lobby> `, `[logged out] #lobby> `.
 */
import type { Colors } from "../render.ts";
import { sanitizeText } from "../../shared/protocol.ts";

/** What the prompt shows. */
export interface PromptState {
  room: string | null;
  /** The partner of the current DM view (then `room` is null). */
  dm?: string | null;
  /** Users typing in the current room (never the user themself). */
  typing: readonly string[];
  connection: "open" | "connecting" | "reconnecting" | "closed";
  /** Seconds until the next attempt to reconnect; null or absent while one is under way. */
  retryInSeconds?: number | null;
  /** The session was ended elsewhere: nothing can be sent until /login. */
  isLoggedOut?: boolean;
}

/** "bob is typing", "bob and carol are typing", "4 people are typing". */
export function typingText(users: readonly string[]): string {
  const names = [...users].sort().map(sanitizeText);
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing`;
  if (names.length <= 3) {
    return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} are typing`;
  }
  return `${names.length} people are typing`;
}

/** The prompt string. */
export function buildPrompt(state: PromptState, c: Colors): string {
  let prompt = state.room ? c.cyan(`#${sanitizeText(state.room)}`) : c.dim("(no room)");
  if (state.dm) prompt = c.magenta(`@${sanitizeText(state.dm)}`);
  const typing = typingText(state.typing);
  if (typing) prompt += ` ${c.dim(`(${typing})`)}`;
  if (state.connection === "reconnecting" || state.connection === "connecting") {
    const retry = typeof state.retryInSeconds === "number" ? ` in ${state.retryInSeconds}s` : "...";
    prompt = `${c.yellow(`[reconnecting${retry}]`)} ${prompt}`;
  } else if (state.connection === "closed") {
    prompt = `${c.red("[offline]")} ${prompt}`;
  } else if (state.isLoggedOut) {
    prompt = `${c.red("[logged out]")} ${prompt}`;
  }
  return `${prompt}> `;
}
