/**
 * Pure functions from server data to the text a user reads.
 *
 * Every string that came over the wire is passed through sanitizeText here as well, so that
 * widths are measured on what will show; what reaches the terminal is made inert once more
 * by the funnel (terminal-text.ts), where the colours of these lines become real.
 */
import {
  type ChatMessage,
  type DirectMessage,
  type RoomInfo,
  sanitizeText,
  type WhoEntry,
} from "../shared/protocol.ts";
import { stripReply } from "./json.ts";
import type { Colors } from "./terminal-text.ts";

/** The colour functions, made by the funnel so that only it turns them into escape codes. */
export { type Colors, makeColors } from "./terminal-text.ts";

/** A frame from the server as seen by the renderer: a known event or a newer one. */
export type RenderableEvent = { type: string; [key: string]: unknown };

/**
 * Whether to colour: never with --json, --no-color or NO_COLOR; FORCE_COLOR forces it;
 * otherwise only when stdout is a terminal (and TERM is not "dumb").
 */
export function shouldUseColor(opts: {
  json: boolean;
  noColor: boolean;
  isTTY: boolean;
  env: Record<string, string | undefined>;
}): boolean {
  const { env } = opts;
  if (opts.json || opts.noColor) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return opts.isTTY && env.TERM !== "dumb";
}

const clean = (value: unknown): string => sanitizeText(String(value ?? ""));

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** A server timestamp in local time: `HH:MM`, or `YYYY-MM-DD HH:MM` with the date. */
export function formatTime(ts: string, withDate = false): string {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return "--:--";
  const time = `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
  if (!withDate) return time;
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${time}`;
}

const NAME_COLORS = ["cyan", "green", "yellow", "blue", "magenta", "red"] as const;

/** A user name in a colour that is stable for that name. */
export function colorName(name: string, c: Colors): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const color = NAME_COLORS[hash % NAME_COLORS.length] ?? "cyan";
  return c.bold(c[color](name));
}

// Continuation lines of a multi-line text line up under its first line.
function withIndent(prefix: string, prefixWidth: number, text: string): string {
  const [first = "", ...rest] = text.split("\n");
  const indent = " ".repeat(prefixWidth);
  return [prefix + first, ...rest.map((line) => indent + line)].join("\n");
}

// After the sender's name: `: ` before a text, a space after `*` for an action.
function separator(m: ChatMessage | DirectMessage): string {
  return m.action === true && m.deleted !== true ? " " : ": ";
}

// The text of a message with its marks: `(deleted)` in place of a deleted one's, `(edited)`.
function body(m: ChatMessage | DirectMessage, c: Colors): string {
  if (m.deleted === true) return c.dim("(deleted)");
  return m.edited !== undefined ? `${clean(m.text)} ${c.dim("(edited)")}` : clean(m.text);
}

/** A room message: `HH:MM #room alice: text`, an action `HH:MM #room * alice waves`. */
export function renderMessage(m: ChatMessage, c: Colors, withDate = false): string {
  const time = formatTime(m.ts, withDate);
  const room = `#${clean(m.room)}`;
  const from = clean(m.from);
  const star = m.action === true && m.deleted !== true ? "* " : "";
  const plain = `${time} ${room} ${star}${from}${separator(m)}`;
  const prefix = `${c.dim(time)} ${c.cyan(room)} ${star}${colorName(from, c)}${separator(m)}`;
  return withIndent(prefix, Bun.stringWidth(plain), body(m, c));
}

/** A direct message: `HH:MM [dm] alice -> bob: text`, an action `[dm] * alice -> bob waves`. */
function renderDm(m: DirectMessage, c: Colors, withDate = false): string {
  const time = formatTime(m.ts, withDate);
  const from = clean(m.from);
  const to = clean(m.to);
  const star = m.action === true && m.deleted !== true ? "* " : "";
  const plain = `${time} [dm] ${star}${from} -> ${to}${separator(m)}`;
  const prefix = `${c.dim(time)} ${c.magenta("[dm]")} ${star}${colorName(from, c)} -> ${to}${separator(m)}`;
  return withIndent(prefix, Bun.stringWidth(plain), body(m, c));
}

function describeRoomChange(room: Record<string, unknown>): string {
  const parts = [room.open ? "open" : "closed", room.visible ? "visible" : "hidden"];
  if (typeof room.topic === "string" && room.topic) parts.push(`topic "${clean(room.topic)}"`);
  return parts.join(", ");
}

/**
 * One line for any event `listen` may print, or null for frames people need not see.
 * Messages carry their server time; other events get `now` (local HH:MM) when given.
 */
export function renderEvent(event: RenderableEvent, c: Colors, now?: Date): string | null {
  const line = renderEventBody(event, c);
  const isMessage = ["message", "dm", "message_update", "dm_update"].includes(event.type);
  if (line === null || !now || isMessage) return line;
  return `${c.dim(formatTime(now.toISOString()))} ${line}`;
}

function renderEventBody(event: RenderableEvent, c: Colors): string | null {
  const e = event as Record<string, unknown>;
  const note = (text: string) => c.dim(`* ${text}`);
  switch (event.type) {
    case "message":
      return renderMessage(e as unknown as ChatMessage, c);
    case "dm":
      return renderDm(e as unknown as DirectMessage, c);
    case "presence": {
      const away = typeof e.away === "string" ? ` (away: ${clean(e.away)})` : "";
      return note(`${clean(e.user)} is ${clean(e.status)}${away}`);
    }
    case "message_update":
      return renderMessage(e as unknown as ChatMessage, c);
    case "dm_update":
      return renderDm(e as unknown as DirectMessage, c);
    case "read": {
      const where = typeof e.user === "string" ? `@${clean(e.user)}` : `#${clean(e.room)}`;
      return note(`${where} read up to ${clean(e.upTo)}`);
    }
    case "invite":
      return c.yellow(
        `* ${clean(e.from)} invites you to #${clean(e.room)} (chat join ${clean(e.room)})`,
      );
    case "typing":
      return note(
        `${clean(e.user)} ${e.typing ? "is typing" : "stopped typing"} in #${clean(e.room)}`,
      );
    case "join_request":
      return c.yellow(
        `* ${clean(e.user)} asks to join #${clean(e.room)} (chat approve ${clean(e.room)} ${clean(e.user)})`,
      );
    case "join_decision":
      return c.yellow(
        `* your request to join #${clean(e.room)} was ${e.approved ? "approved" : "denied"}`,
      );
    case "room_update": {
      const room = (e.room ?? {}) as Record<string, unknown>;
      return note(`#${clean(room.name)} is now ${describeRoomChange(room)}`);
    }
    case "member": {
      const verbs = {
        joined: "joined",
        left: "left",
        kicked: "was kicked from",
        banned: "was banned from",
      };
      const verb = verbs[String(e.event) as keyof typeof verbs];
      return note(`${clean(e.user)} ${verb ?? clean(e.event)} #${clean(e.room)}`);
    }
    case "room_shutdown":
      return c.yellow(`* #${clean(e.room)} was shut down`);
    case "error":
      return c.red(`! ${clean(e.message)}`);
    case "welcome":
      return null;
    default:
      return note(`${clean(event.type)} ${clean(JSON.stringify(stripReply(e)))}`);
  }
}

/** A stored message of either kind as a human line, with the date. */
export function renderStored(m: ChatMessage | DirectMessage, c: Colors): string {
  return "room" in m ? renderMessage(m, c, true) : renderDm(m, c, true);
}

/**
 * Columns aligned by display width; the header row is dimmed. Cells are sanitised. With
 * `width` (a terminal's), the widest columns shrink until a row fits, and cells cut there
 * end with an ellipsis: a row never wraps. Column `keep` (what a row is named by, which a
 * later command takes) shrinks last.
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  c: Colors,
  width?: number,
  keep = 0,
): string {
  const cells = rows.map((row) => row.map((cell) => clean(cell).replace(/\s+/g, " ")));
  const widths = headers.map((h, i) =>
    Math.max(Bun.stringWidth(h), ...cells.map((row) => Bun.stringWidth(row[i] ?? ""))),
  );
  if (width !== undefined) shrink(widths, width, keep);
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const cut = fitWidth(cell, widths[i] ?? 0);
        return i === row.length - 1
          ? cut
          : cut + " ".repeat((widths[i] ?? 0) - Bun.stringWidth(cut));
      })
      .join("  ")
      .trimEnd();
  return [c.dim(line(headers)), ...cells.map(line)].join("\n");
}

// Narrow the widest column by one until the row (two spaces between columns) fits `width`:
// column `keep` only when the others are down to a few columns.
function shrink(widths: number[], width: number, keep: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const narrow = (isKeptToo: boolean, least: number) => {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if ((isKeptToo || i !== keep) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0 || (widths[widest] ?? 0) <= least) return false;
    widths[widest] = (widths[widest] ?? 0) - 1;
    return true;
  };
  while (total() > width) {
    if (!narrow(false, 3) && !narrow(true, 1)) return;
  }
}

/** Text cut to `width` columns, with an ellipsis where it was cut (a table cell, a status line). */
export function fitWidth(cell: string, width: number): string {
  if (Bun.stringWidth(cell) <= width) return cell;
  let out = "";
  for (const ch of cell) {
    if (Bun.stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** The `rooms` table (`width`: a terminal's, which the table fits). */
export function renderRooms(rooms: RoomInfo[], c: Colors, width?: number): string {
  if (rooms.length === 0) return "no rooms yet; create one with `chat create <room>`";
  return renderTable(
    ["ROOM", "ACCESS", "VISIBILITY", "ADMIN", "MEMBERS", "ROLE", "TOPIC"],
    rooms.map((r) => [
      `#${r.name}`,
      r.open ? "open" : "closed",
      r.visible ? "visible" : "hidden",
      r.admin,
      String(r.members),
      r.role ?? "-",
      r.topic,
    ]),
    c,
    width,
  );
}

/** The `who` table; an AWAY column when someone has an away message (`width`: see renderTable). */
export function renderWho(users: WhoEntry[], c: Colors, width?: number): string {
  if (users.length === 0) return "nobody";
  const rows = users.map((u) => [u.user, u.status, u.typing ? "typing" : ""]);
  const isAway = users.some((u) => typeof u.away === "string");
  const table = isAway
    ? renderTable(
        ["USER", "STATUS", "TYPING", "AWAY"],
        rows.map((row, i) => [...row, users[i]!.away ?? ""]),
        c,
        width,
      )
    : renderTable(["USER", "STATUS", "TYPING"], rows, c, width);
  // Who is not online (idle, offline) is greyed: one row per user, after the header.
  const lines = table.split("\n");
  return lines
    .map((line, i) => (i > 0 && users[i - 1]?.status !== "online" ? c.dim(line) : line))
    .join("\n");
}
