/**
 * How the interactive client shows what arrives: one line per event, time as HH:MM, a
 * stable colour per user name, DMs marked, other rooms' lines prefixed with the room, and
 * a bell for DMs and mentions. Everything from the wire passes through sanitizeText.
 */
import {
  type ChatMessage,
  type DirectMessage,
  type RoomInfo,
  sanitizeText,
} from "../../shared/protocol.ts";
import { type Colors, colorName, formatTime } from "../render.ts";

/** A line to print, and whether it should ring the terminal bell. */
export interface Shown {
  text: string;
  isBell: boolean;
}

/** Who is looking and where: decides prefixes, highlights and bells. */
export interface Viewpoint {
  me: string;
  room: string | null;
  colors: Colors;
}

/** Local time as HH:MM. */
export const hhmm = (ts: string): string => formatTime(ts);

/** True when `text` mentions `user` as a word (with or without @). */
export function mentions(text: string, user: string): boolean {
  const escaped = user.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`(^|[^a-z0-9_-])@?${escaped}($|[^a-z0-9_-])`, "i").test(text);
}

// Continuation lines of a multi-line message line up under its first line.
function indent(text: string, width: number): string {
  return text.replace(/\n/g, `\n${" ".repeat(width)}`);
}

/** A room message. */
export function showMessage(msg: ChatMessage, view: Viewpoint): Shown {
  const c = view.colors;
  const from = sanitizeText(msg.from);
  const text = sanitizeText(msg.text);
  const room = sanitizeText(msg.room);
  const isMention = from !== view.me && mentions(text, view.me);
  const prefix = room === view.room ? "" : `${c.cyan(`#${room}`)} `;
  const head = `${c.dim(hhmm(msg.ts))} ${prefix}${colorName(from, c)}: `;
  const width = 6 + (room === view.room ? 0 : room.length + 2) + from.length + 2;
  const body = isMention ? c.bold(indent(text, width)) : indent(text, width);
  return { text: head + body, isBell: isMention };
}

/** A direct message, received or sent. */
export function showDm(msg: DirectMessage, view: Viewpoint): Shown {
  const c = view.colors;
  const from = sanitizeText(msg.from);
  const to = sanitizeText(msg.to);
  const text = sanitizeText(msg.text);
  const isIncoming = from !== view.me;
  const who = isIncoming
    ? `${colorName(from, c)} ${c.dim("->")} you`
    : `you ${c.dim("->")} ${colorName(to, c)}`;
  const plainWho = isIncoming ? `${from} -> you` : `you -> ${to}`;
  const head = `${c.dim(hhmm(msg.ts))} ${c.magenta("[DM]")} ${who}: `;
  return { text: head + indent(text, 6 + 5 + plainWho.length + 2), isBell: isIncoming };
}

/** A notice line (presence, membership, requests): `-- text`. */
export function showNotice(text: string, c: Colors, isBell = false): Shown {
  return { text: c.dim(`-- ${sanitizeText(text)}`), isBell };
}

/** An error line. */
export function showError(text: string, c: Colors): Shown {
  return { text: c.red(`! ${sanitizeText(text)}`), isBell: false };
}

/** How a room's settings read in one line. */
export function describeRoom(room: RoomInfo): string {
  const parts = [room.open ? "open" : "closed", room.visible ? "visible" : "hidden"];
  const topic = sanitizeText(room.topic);
  if (topic) parts.push(`topic: ${topic}`);
  return `#${sanitizeText(room.name)} (${parts.join(", ")})`;
}
