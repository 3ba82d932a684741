/**
 * The views of the chat: one per room the user is in and one per DM conversation opened,
 * each with its unread and mention counts, and which one is current. Rooms come first,
 * by name, then conversations in the order they were opened; Alt-1..9 count in that order.
 * No terminal and no connection here.
 */

/** A room (`#dev`) or a DM conversation (`@bob`). */
export interface ViewId {
  kind: "room" | "dm";
  name: string;
}

/** One view and what the user has not read in it yet. */
export interface View extends ViewId {
  unread: number;
  mentions: number;
  /** The newest message known in it (what a read marker moves to). */
  lastId: string | null;
}

/** `#dev` or `@bob`. */
export function viewLabel(id: ViewId): string {
  return `${id.kind === "room" ? "#" : "@"}${id.name}`;
}

/** `#dev` names a room, `@bob` a conversation, a bare name a room. Null: not a name. */
export function parseViewLabel(raw: string): ViewId | null {
  const text = raw.trim().toLowerCase();
  if (text.startsWith("@")) return text.length > 1 ? { kind: "dm", name: text.slice(1) } : null;
  const name = text.replace(/^#/, "");
  return name ? { kind: "room", name } : null;
}

/** The views, their counts and the current one. */
export class Views {
  #list: View[] = [];
  #current: View | null = null;

  /** Every view, in switching order. */
  get all(): readonly View[] {
    return this.#list;
  }

  /** The view plain text goes to, or null. */
  get current(): View | null {
    return this.#current;
  }

  /** The view of `id`, or undefined. */
  find(id: ViewId): View | undefined {
    return this.#list.find((v) => v.kind === id.kind && v.name === id.name);
  }

  /** The view of `id`, added when missing. */
  open(id: ViewId): View {
    const known = this.find(id);
    if (known) return known;
    const view: View = { kind: id.kind, name: id.name, unread: 0, mentions: 0, lastId: null };
    if (id.kind === "dm") this.#list.push(view);
    else {
      const after = this.#list.findIndex((v) => v.kind === "dm" || v.name > id.name);
      this.#list.splice(after === -1 ? this.#list.length : after, 0, view);
    }
    return view;
  }

  /** Forget a view (a room left); the current one moves to a neighbour. */
  close(id: ViewId): void {
    const index = this.#list.findIndex((v) => v.kind === id.kind && v.name === id.name);
    if (index === -1) return;
    const [gone] = this.#list.splice(index, 1);
    if (gone === this.#current) this.#current = null;
  }

  /** Make `id` the current view (opened if needed); its counts are read. */
  select(id: ViewId): View {
    const view = this.open(id);
    this.#current = view;
    view.unread = 0;
    view.mentions = 0;
    return view;
  }

  /** The view `step` places after (or before) the current one, wrapping around. */
  neighbour(step: number): View | null {
    const n = this.#list.length;
    if (n === 0) return null;
    const here = this.#current ? this.#list.indexOf(this.#current) : -1;
    return this.#list[(((here + step) % n) + n) % n] ?? null;
  }

  /** The view numbered `n` (1-based), or null. */
  numbered(n: number): View | null {
    return this.#list[n - 1] ?? null;
  }

  /**
   * A message arrived in `id`: remembered as the newest; counted when the view is not the
   * current one and someone else wrote it. True when it was counted.
   */
  arrived(id: ViewId, messageId: string, isOthers: boolean, isMention: boolean): boolean {
    const view = this.open(id);
    view.lastId = messageId;
    if (view === this.#current || !isOthers) return false;
    view.unread += 1;
    if (isMention) view.mentions += 1;
    return true;
  }

  /** Counts as the server has them (the current view stays read). */
  setCounts(id: ViewId, unread: number, mentions: number): void {
    const view = this.find(id);
    if (!view || view === this.#current) return;
    view.unread = count(unread);
    view.mentions = count(mentions);
  }

  /** The user read the view on some device: nothing in it is unread. */
  clear(id: ViewId): void {
    const view = this.find(id);
    if (!view) return;
    view.unread = 0;
    view.mentions = 0;
  }
}

// A count from the wire as a whole number from 0 to a million (a hostile server's NaN or
// 1e308 must not fill the status line).
function count(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n)
    ? Math.min(1e6, Math.max(0, Math.floor(n)))
    : 0;
}
