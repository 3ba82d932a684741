/** The session's view wiring: entering a view, the prompt it shows, and the names Tab offers. */
import { normalizeUserName, type RoomInfo, sanitizeText } from "../../shared/protocol.ts";
import type { ConnectionState } from "../connection.ts";
import { ChatLine } from "./chat-line.ts";
import { complete } from "./completion.ts";
import { describeRoom, errorText, type Shown, showError, showNotice } from "./display.ts";
import { inputStatus } from "./input-status.ts";
import { maskSecrets, maskTyped } from "./mask.ts";
import { MessageFeed } from "./message-feed.ts";
import type { SessionParts } from "./session-options.ts";
import { buildPrompt } from "./status.ts";
import type { Presence } from "./view-status.ts";
import { type ViewId, viewLabel } from "./views.ts";
import { ViewSwitch, type ViewTarget } from "./view-switch.ts";

/** What the view wiring needs of the session (session.ts provides it). */
export interface ViewHost {
  readonly opts: SessionParts;
  readonly me: string;
  readonly room: string | null;
  readonly rooms: Map<string, RoomInfo>;
  readonly users: Set<string>;
  readonly views: ViewSwitch;
  print(shown: Shown | string): void;
  /** Switch to a view (enterView below, with the session's typing stopped). */
  enterView(id: ViewId): Promise<void>;
}

/**
 * Switch to a view: its recent messages, a line before what is new, then it is read.
 * `stopTyping` runs first when the view is another than the current one.
 */
export async function enterView(host: ViewHost, id: ViewId, stopTyping: () => void): Promise<void> {
  const { opts } = host;
  const previous = host.views.views.current;
  if (previous && (previous.kind !== id.kind || previous.name !== id.name)) stopTyping();
  if (id.kind === "room") opts.state?.setLastRoom(opts.server, host.me, id.name);
  const info = id.kind === "room" ? host.rooms.get(id.name) : undefined;
  const header = info ? describeRoom(info) : sanitizeText(viewLabel(id));
  try {
    const entering = host.views.enter(id);
    host.print(showNotice(`now in ${header}`, opts.colors));
    await entering;
    if (id.kind !== "room") return;
    const who = await opts.conn.request({ type: "who", room: id.name });
    if (who.type === "who") for (const entry of who.users) host.users.add(entry.user);
  } catch (err) {
    host.print(showError(errorText(err), opts.colors));
  }
}

/**
 * The session's message feed, showing what arrives as seen from the current view. `host` is
 * read lazily: the session builds its feed before its options are set.
 */
export function feedFor(
  host: ViewHost,
  spoke: (room: string, user: string) => void,
  now: () => number,
): MessageFeed {
  return new MessageFeed(
    {
      viewpoint: () => ({
        me: host.me,
        room: host.room,
        colors: host.opts.colors,
        depth: host.opts.depth,
        now: now(),
      }),
      print: (shown) => host.print(shown),
      met: (user) => host.users.add(user),
      spoke,
      arrived: (msg) => host.views.arrived(msg),
    },
    (msg) => host.opts.conn.request(msg),
  );
}

/** What the views ask of the session that only the session can do. */
export type SwitchHooks = Pick<ViewTarget, "showHistory" | "viewChanged" | "ring" | "isOnline">;

/** The session's views, their counts and read markers. */
export function viewSwitchFor(
  host: Pick<ViewHost, "me" | "opts" | "print">,
  hooks: SwitchHooks,
): ViewSwitch {
  return new ViewSwitch({
    get me() {
      return host.me;
    },
    opts: host.opts,
    request: (msg) => host.opts.conn.request(msg),
    print: (shown) => host.print(shown),
    showHistory: (messages) => hooks.showHistory(messages),
    viewChanged: () => hooks.viewChanged(),
    ring: () => hooks.ring(),
    isOnline: () => hooks.isOnline(),
  });
}

/** What the prompt shows besides the view. */
export interface PromptFacts {
  /** Who is typing in the current room. */
  typers: string[];
  connection: ConnectionState;
  isLoggedOut: boolean;
  now(): number;
}

/** The prompt for the current view, typing users and connection state. */
export function promptFor(host: ViewHost, facts: PromptFacts): string {
  const { connection } = facts;
  const retryAt = connection === "reconnecting" ? host.opts.conn.nextRetryAt : null;
  const retryInSeconds =
    typeof retryAt === "number" ? Math.max(1, Math.ceil((retryAt - facts.now()) / 1000)) : null;
  const view = host.views.views.current;
  return buildPrompt(
    {
      room: host.room,
      dm: view?.kind === "dm" ? view.name : null,
      typing: facts.typers,
      connection,
      retryInSeconds,
      isLoggedOut: facts.isLoggedOut,
    },
    host.opts.colors,
  );
}

/**
 * What Tab offers. readline prints candidates and inserts them without the funnel: only
 * names a server could have accepted (no control character can be in one) are offered.
 */
export function completionSource(host: ViewHost) {
  const users = new Set([...host.users].filter(isPlainName));
  users.delete(host.me);
  const rooms = [...host.rooms.keys()].filter(isPlainName);
  const usage = host.opts.commandUsage;
  return { commands: host.opts.commandNames, usage, rooms, users: [...users] };
}

function isPlainName(name: string): boolean {
  return normalizeUserName(name) === name;
}

/** What the chat line reports that only the session can act on. */
export interface LineHooks {
  prompt: string;
  submitted(text: string): void;
  edited(text: string): void;
  interrupted(): void;
}

/** What the chat line shows of the session besides the view wiring. */
export interface LineHost extends ViewHost {
  readonly away: string | null;
  presenceOf(user: string): Presence | null;
  quit(): void;
}

/** The session's chat line: its history, completion, masking, status rows and header. */
export function openChatLine(host: LineHost, hooks: LineHooks): ChatLine {
  const { opts } = host;
  return new ChatLine({
    input: opts.input,
    output: opts.output,
    prompt: hooks.prompt,
    history: opts.state?.loadHistory(opts.server, opts.me) ?? [],
    completer: (text) => complete(text, completionSource(host)),
    onLine: (text) => hooks.submitted(text),
    onEdit: (text) => hooks.edited(text),
    onInterrupt: () => hooks.interrupted(),
    onEnd: () => host.quit(),
    onHistory: (history) => opts.state?.saveHistory(opts.server, host.me, history),
    isSecret: (text) => maskSecrets(text) !== text,
    mask: maskTyped,
    status: (text) => inputStatus(text, opts.colors),
    header: (columns) => host.views.header(columns, host.away, (user) => host.presenceOf(user)),
    onView: (move) => void moveView(host, move),
  });
}

/** Go to the next or previous view, or view number `number` (Ctrl-N/P, Alt-1..9). */
export async function moveView(
  host: ViewHost,
  move: { step?: number; number?: number },
): Promise<void> {
  const views = host.views.views;
  const next = move.number ? views.numbered(move.number) : views.neighbour(move.step ?? 1);
  if (next && next !== views.current) await host.enterView(next);
}

/** What leaving a room's view asks of the session. */
export interface LeaveHooks {
  forgetTyping(): void;
  stopTyping(): void;
  viewChanged(): void;
}

/** Forget a room the user is no longer in; move to another view if it was the current one. */
export function leaveRoomView(host: ViewHost, room: string, hooks: LeaveHooks): void {
  const info = host.rooms.get(room);
  if (info) info.role = null;
  hooks.forgetTyping();
  const wasCurrent = host.room === room;
  const views = host.views.views;
  views.close({ kind: "room", name: room });
  if (!wasCurrent) return hooks.viewChanged();
  hooks.stopTyping();
  const next = views.all.find((v) => v.kind === "room") ?? views.all[0];
  if (next) void host.enterView(next);
  else hooks.viewChanged();
}

/** The rooms the user is a member of (each followed for catch-up). */
export function* memberRooms(rooms: Map<string, RoomInfo>): Iterable<string> {
  for (const info of rooms.values()) {
    if (info.role === "admin" || info.role === "member") yield info.name;
  }
}
