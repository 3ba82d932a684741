/**
 * Slash commands that fill in what was left out with clack dialogs: `/createroom` and
 * `/editroom` without their settings, `/approve` and `/deny` without a request named.
 */
import type { Choice } from "./dialogs.ts";
import { showNotice } from "./display.ts";
import type { ChatSession } from "./session.ts";
import { positionalsOf, runTable, type SlashOptions } from "./table.ts";

/** `/create` or `/createroom`, asking for the room's name and settings when missing. */
export async function createRoom(
  session: ChatSession,
  opts: SlashOptions,
  name: string,
  args: string[],
): Promise<void> {
  let argv = args;
  const positionals = positionalsOf(name, args);
  const needsRoom = positionals.length === 0;
  const needsSettings = name === "createroom" && positionals.length < 3;
  if (needsRoom || needsSettings) {
    const filled = await askRoomSettings(session, positionals[0], name === "createroom");
    if (!filled) return session.print(showNotice("cancelled", session.opts.colors));
    argv = filled;
  }
  const room = (argv[0] ?? "").replace(/^#/, "").toLowerCase();
  const code = await runTable(session, opts, ["createroom", ...argv]);
  if (code !== 0) return;
  await session.refreshRooms();
  await session.enter(room);
}

async function askRoomSettings(
  session: ChatSession,
  room: string | undefined,
  isPositional: boolean,
): Promise<string[] | null> {
  void isPositional;
  return session.modal(async (d) => {
    const name = room ?? (await d.text("Room name", { placeholder: "e.g. dev" }));
    if (!name) return null;
    const open = await d.select("Who may join?", [
      { value: "open", label: "open", hint: "anyone joins at once" },
      { value: "closed", label: "closed", hint: "you approve each request" },
    ] satisfies Choice<"open" | "closed">[]);
    if (!open) return null;
    const visible = await d.select("Listed in /rooms?", [
      { value: "visible", label: "visible", hint: "everyone sees it" },
      { value: "hidden", label: "hidden", hint: "joinable by name only" },
    ] satisfies Choice<"visible" | "hidden">[]);
    if (!visible) return null;
    const topic = await d.text("Topic (optional)", { placeholder: "leave empty for none" });
    if (topic === null) return null;
    return topic ? [name, open, visible, "--topic", topic] : [name, open, visible];
  });
}

/** `/edit` or `/editroom`, asking for the settings when only the room is given. */
export async function editRoom(
  session: ChatSession,
  opts: SlashOptions,
  name: string,
  args: string[],
): Promise<void> {
  const positionals = positionalsOf(name, args);
  const hasFlags = args.some((a) => a.startsWith("--"));
  const isComplete = name === "editroom" ? positionals.length >= 3 : hasFlags;
  if (isComplete || positionals.length === 0) {
    await runTable(session, opts, [name, ...args]);
    return;
  }
  const room = (positionals[0] ?? "").replace(/^#/, "").toLowerCase();
  const current = session.rooms.get(room);
  const filled = await session.modal(async (d) => {
    const open = await d.select(`#${room}: who may join?`, [
      { value: "open", label: "open", hint: current?.open ? "now" : undefined },
      { value: "closed", label: "closed", hint: current?.open === false ? "now" : undefined },
    ] satisfies Choice<"open" | "closed">[]);
    if (!open) return null;
    const visible = await d.select(`#${room}: listed in /rooms?`, [
      { value: "visible", label: "visible", hint: current?.visible ? "now" : undefined },
      { value: "hidden", label: "hidden", hint: current?.visible === false ? "now" : undefined },
    ] satisfies Choice<"visible" | "hidden">[]);
    if (!visible) return null;
    const topic = await d.text(`#${room}: topic`, { initial: current?.topic ?? "" });
    if (topic === null) return null;
    return [room, open, visible, "--topic", topic];
  });
  if (!filled) return session.print(showNotice("cancelled", session.opts.colors));
  await runTable(session, opts, ["editroom", ...filled]);
}

/** `/approve` or `/deny` without a user: pick one of the pending requests. */
export async function decide(
  session: ChatSession,
  opts: SlashOptions,
  verb: "approve" | "deny",
  room: string | undefined,
): Promise<void> {
  const c = session.opts.colors;
  const reply = await opts.conn.request(
    room ? { type: "requests", room: room.replace(/^#/, "") } : { type: "requests" },
  );
  const requests = reply.type === "requests" ? reply.requests : [];
  if (requests.length === 0) return session.print(showNotice("no pending requests", c));
  const choice = await session.modal((d) =>
    d.select(
      verb === "approve" ? "Approve which request?" : "Deny which request?",
      requests.map((r) => ({ value: `${r.room} ${r.user}`, label: `${r.user} -> #${r.room}` })),
    ),
  );
  if (!choice) return session.print(showNotice("cancelled", c));
  await runTable(session, opts, [verb, ...choice.split(" ")]);
}
