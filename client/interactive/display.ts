/**
 * How the interactive client shows what arrives: one line per event, time as HH:MM (and a
 * line where the day changes), a stable colour per user name, DMs marked, other rooms'
 * lines prefixed with the room, and a bell for DMs and mentions. Everything from the wire passes through sanitizeText.
 */
import {
  type ChatMessage,
  type DirectMessage,
  type RoomInfo,
  sanitizeText,
} from "../../shared/protocol.ts";
import { type Colors, formatTime } from "../render.ts";
import { type ColorDepth, colorName } from "./name-color.ts";

/** A line to print, and whether it should ring the terminal bell. */
export interface Shown {
  text: string;
  isBell: boolean;
  /** Where a wrapped row continues: the column the message's text starts at. */
  hang?: number;
}

/** Who is looking and where: decides prefixes, highlights and bells. */
export interface Viewpoint {
  me: string;
  room: string | null;
  colors: Colors;
  /** Colours of the terminal, for sender names (16 when not given). */
  depth?: ColorDepth;
  /** Now, in ms: which day is today. */
  now?: number;
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

// Every whole-word naming of `user` (`bob`, `@bob`, any case) shown in reverse video.
function highlight(text: string, user: string, c: Colors): string {
  if (!user) return text;
  const escaped = user.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const re = new RegExp(`(^|[^a-z0-9_-])(@?${escaped})(?=$|[^a-z0-9_-])`, "gi");
  return text.replace(re, (_all, before: string, name: string) => before + c.inverse(c.bold(name)));
}

// The text of a message as shown: `(deleted)` for a tombstone, `(edited)` after an edit.
function bodyOf(msg: ChatMessage | DirectMessage, text: string, c: Colors): string {
  if (msg.deleted === true) return c.dim("(deleted)");
  return msg.edited !== undefined ? `${text} ${c.dim("(edited)")}` : text;
}

// `alice: ` before a text; `* alice ` before an action (`* alice waves`).
function isAction(msg: ChatMessage | DirectMessage): boolean {
  return msg.action === true && msg.deleted !== true;
}

/** A room message (`* alice waves` for an action); the user's name highlighted in it. */
export function showMessage(msg: ChatMessage, view: Viewpoint): Shown {
  const c = view.colors;
  const from = sanitizeText(msg.from);
  const text = sanitizeText(msg.text);
  const room = sanitizeText(msg.room);
  const isMention = from !== view.me && msg.deleted !== true && mentions(text, view.me);
  const prefix = room === view.room ? "" : `${c.cyan(`#${room}`)} `;
  const star = isAction(msg) ? "* " : "";
  const sep = isAction(msg) ? " " : ": ";
  const head = `${c.dim(hhmm(msg.ts))} ${prefix}${star}${colorName(from, c, view.depth)}${sep}`;
  const width = 6 + (room === view.room ? 0 : room.length + 2) + star.length + from.length + 2;
  const shown = isMention ? highlight(text, view.me, c) : text;
  return { text: head + indent(bodyOf(msg, shown, c), width), isBell: isMention, hang: width };
}

/** A direct message, received or sent (`[dm] * bob waves` for an action). */
export function showDm(msg: DirectMessage, view: Viewpoint): Shown {
  const c = view.colors;
  const from = sanitizeText(msg.from);
  const to = sanitizeText(msg.to);
  const text = sanitizeText(msg.text);
  const isIncoming = from !== view.me;
  const star = isAction(msg) ? "* " : "";
  const sep = isAction(msg) ? " " : ": ";
  const who = isIncoming
    ? `${colorName(from, c, view.depth)} ${c.dim("->")} you`
    : `you ${c.dim("->")} ${colorName(to, c, view.depth)}`;
  const plainWho = isIncoming ? `${from} -> you` : `you -> ${to}`;
  // `[dm]` as in /history and `chat listen`.
  const head = `${c.dim(hhmm(msg.ts))} ${c.magenta("[dm]")} ${star}${who}${sep}`;
  const width = 6 + 5 + star.length + plainWho.length + 2;
  return { text: head + indent(bodyOf(msg, text, c), width), isBell: isIncoming, hang: width };
}

/** The local day of a server timestamp (`2026-11-29`), or null when it is not a time. */
export function dayOf(ts: string | number): string | null {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return null;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The line where the day changes: `--- Sunday 29 November ---` (with the year if not this one). */
export function showDay(ts: string, view: Viewpoint): Shown {
  const d = new Date(ts);
  const thisYear = new Date(view.now ?? Date.now()).getFullYear();
  const label = d.toLocaleDateString("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(d.getFullYear() === thisYear ? {} : { year: "numeric" }),
  });
  return { text: view.colors.dim(`--- ${label.replace(",", "")} ---`), isBell: false };
}

/** A notice line (presence, membership, requests): `-- text`. */
export function showNotice(text: string, c: Colors, isBell = false): Shown {
  return { text: c.dim(`-- ${sanitizeText(text)}`), isBell, hang: 3 };
}

/** An error line. */
export function showError(text: string, c: Colors): Shown {
  return { text: c.red(`! ${sanitizeText(text)}`), isBell: false, hang: 2 };
}

/** The message of an error, for one line on screen. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** How a room's settings read in one line. */
export function describeRoom(room: RoomInfo): string {
  const parts = [room.open ? "open" : "closed", room.visible ? "visible" : "hidden"];
  const topic = sanitizeText(room.topic);
  if (topic) parts.push(`topic: ${topic}`);
  return `#${sanitizeText(room.name)} (${parts.join(", ")})`;
}
