/**
 * The status line above the prompt: every view with its counts, the current one in
 * brackets (`[#lobby] #dev(3) #ops(5,1!) @bob(1!)`), and in a DM view how the other person
 * is (`bob: idle, away: at lunch`). It always fits one row: views with nothing new give way
 * first, then the rest are summed up as `+N`. Pure.
 */
import { sanitizeText } from "../../shared/protocol.ts";
import { fitWidth } from "../render.ts";
import type { Colors } from "../render.ts";
import { type View, viewLabel } from "./views.ts";

/** How a person is, as presence events and `who` tell. */
export interface Presence {
  status: string;
  away?: string;
}

/** What the status line shows. */
export interface ViewStatus {
  views: readonly View[];
  current: View | null;
  /** How a person is, when known (DM partners: greyed when not online). */
  presenceOf?: (user: string) => Presence | null;
  /** The user's own away message. */
  away?: string | null;
}

interface Piece {
  plain: string;
  text: string;
  /** What gives way first when the row is full: 0 nothing new, 1 unread, 2 meant for the user. */
  rank: number;
  isCurrent: boolean;
}

/** `(3)`, `(3,1!)` with mentions, `(1!)` for a conversation: it is all meant for the user. */
export function countText(view: View): string {
  if (view.unread === 0 && view.mentions === 0) return "";
  if (view.kind === "dm") return `(${view.unread}!)`;
  return view.mentions > 0 ? `(${view.unread},${view.mentions}!)` : `(${view.unread})`;
}

function piece(view: View, isCurrent: boolean, c: Colors, partner: Presence | null): Piece {
  const label = sanitizeText(viewLabel(view));
  if (isCurrent) {
    return { plain: `[${label}]`, text: c.bold(`[${label}]`), rank: 3, isCurrent: true };
  }
  const counts = countText(view);
  const plain = label + counts;
  const isAbsent = partner !== null && partner.status !== "online";
  if (counts === "") return { plain, text: c.dim(label), rank: 0, isCurrent: false };
  const isForMe = view.mentions > 0 || view.kind === "dm";
  const shown = isForMe ? c.yellow(plain) : plain;
  const text = isAbsent ? c.dim(shown) : shown;
  return { plain, text, rank: isForMe ? 2 : 1, isCurrent: false };
}

/** How the partner of a DM view is: `bob: idle, away: at lunch`. */
export function partnerText(name: string, p: Presence): string {
  const away = p.away ? `, away: ${sanitizeText(p.away)}` : "";
  return `${sanitizeText(name)}: ${sanitizeText(p.status)}${away}`;
}

/** The status line for a terminal `columns` wide, or null when there is no view. */
export function statusLine(state: ViewStatus, columns: number, c: Colors): string | null {
  if (state.views.length === 0) return null;
  const width = Math.max(1, columns - 1);
  const cur = state.current;
  let tail = "";
  const partner = cur?.kind === "dm" ? (state.presenceOf?.(cur.name) ?? null) : null;
  if (cur && partner) tail += ` · ${partnerText(cur.name, partner)}`;
  if (state.away) tail += " · you are away";
  const pieces = state.views.map((v) =>
    piece(v, v === cur, c, v.kind === "dm" ? (state.presenceOf?.(v.name) ?? null) : null),
  );
  const plainOf = (list: Piece[]) => {
    const more = pieces.length - list.length;
    return list.map((p) => p.plain).join(" ") + (more > 0 ? ` +${more}` : "");
  };
  let kept = pieces;
  while (kept.length > 1 && Bun.stringWidth(plainOf(kept)) > width) {
    // The current view stays; of the others the least telling (the last of them) gives way.
    const least = Math.min(...kept.filter((p) => !p.isCurrent).map((p) => p.rank));
    const index = kept.findLastIndex((p) => !p.isCurrent && p.rank === least);
    if (index === -1) break;
    kept = kept.filter((_, i) => i !== index);
  }
  const plain = plainOf(kept);
  const used = Bun.stringWidth(plain);
  if (used > width) return clip(plain, width);
  const more = pieces.length - kept.length;
  const line = kept.map((p) => p.text).join(" ") + (more > 0 ? c.dim(` +${more}`) : "");
  return line + c.dim(clip(tail, width - used));
}

// Cut plain text to `width` columns, with `…` where it was cut; nothing when there is no room.
function clip(text: string, width: number): string {
  return width > 0 ? fitWidth(text, width) : "";
}
