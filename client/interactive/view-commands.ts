/**
 * What the view commands do in the chat (client/commands/chat-views.ts declares them):
 * `/switch` and a bare `/join` (a picker with counts), `/query bob` and `/join @bob` (a DM
 * view), `/r` (answer the last DM), `/mentions`, `/close` (a DM view), and the away
 * message the status line shows.
 */
import { normalizeUserName, sanitizeText } from "../../shared/protocol.ts";
import type { ChatViews } from "../commands/chat-face.ts";
import { showError, showMessage, showNotice } from "./display.ts";
import type { ChatSession } from "./session.ts";
import { countText } from "./view-status.ts";
import { parseViewLabel, type View, viewLabel } from "./views.ts";

/** The chat's views as the commands of client/commands/chat-views.ts use them. */
export function viewActions(session: ChatSession): ChatViews {
  return {
    switchTo: (target) => switchTo(session, target.trim()),
    query: (user, text) => query(session, user.replace(/^@/, ""), text),
    answer: (text) => answer(session, text),
    awayChanged: (message) => {
      session.away = message;
      session.line.redraw();
    },
    mentions: () => listMentions(session),
    close: () => close(session),
  };
}

function problem(session: ChatSession, text: string): void {
  session.print(showError(text, session.opts.colors));
}

async function switchTo(session: ChatSession, arg: string): Promise<void> {
  if (arg === "") return pick(session);
  const views = session.views.views;
  const byNumber = /^\d+$/.test(arg) ? views.numbered(Number(arg)) : null;
  const id = byNumber ?? parseViewLabel(arg);
  const known = id && views.find(id);
  if (!known) return problem(session, `no view ${sanitizeText(arg)}: /switch alone lists them`);
  await session.enterView(known);
}

async function pick(session: ChatSession): Promise<void> {
  const views = session.views.views;
  if (views.all.length === 0) return problem(session, "no views yet: /rooms lists the rooms");
  // The counts are in the label: a hint shows only on the focused choice.
  const choices = views.all.map((v, i) => ({
    value: viewLabel(v),
    label: `${i + 1}. ${sanitizeText(viewLabel(v))}${countText(v)}`,
    hint: hintOf(v, v === views.current),
  }));
  const current = views.current ? viewLabel(views.current) : undefined;
  const picked = await session.modal((d) => d.select("Which view?", choices, current));
  const id = picked === null ? null : parseViewLabel(picked);
  if (id) await session.enterView(id);
}

function hintOf(view: View, isCurrent: boolean): string {
  if (isCurrent) return "current";
  const counts = countText(view);
  if (counts === "") return "";
  return view.mentions > 0
    ? `${view.unread} unread, ${view.mentions} naming you`
    : `${view.unread} unread`;
}

async function query(session: ChatSession, raw: string, text = ""): Promise<void> {
  const user = normalizeUserName(raw);
  if (!user) return problem(session, "/query <user> opens a conversation with someone");
  if (user === session.me) return problem(session, "that is you: /query someone else");
  await session.enterView({ kind: "dm", name: user });
  if (text) await session.sendToView(text);
}

async function answer(session: ChatSession, text: string): Promise<void> {
  const peer = session.views.lastDmFrom;
  if (!peer) return problem(session, "no DM to answer yet");
  if (text.trim() === "") return session.enterView({ kind: "dm", name: peer });
  await session.sendToView(text, false, { kind: "dm", name: peer });
}

function listMentions(session: ChatSession): void {
  const c = session.opts.colors;
  const items = session.views.mentions.items;
  const counts = session.views.mentionCounts();
  if (items.length === 0 && counts === "") {
    session.print(showNotice("no mentions yet", c));
    return;
  }
  const view = { me: session.me, room: null, colors: c, depth: session.opts.depth };
  for (const m of items) session.print({ ...showMessage(m, view), isBell: false });
  if (counts) session.print(showNotice(`unread, naming you: ${counts}`, c));
}

function close(session: ChatSession): void {
  const views = session.views.views;
  const view = views.current;
  if (view?.kind !== "dm") return problem(session, "/close closes a DM view; /leave leaves a room");
  views.close(view);
  const next = views.all[0];
  if (next) void session.enterView(next);
}
