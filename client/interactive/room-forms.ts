/**
 * Slash commands that fill in what was left out with clack dialogs: `/createroom` and
 * `/editroom` without (some of) their settings, `/approve` and `/deny` without a request
 * named. Only what is missing is asked, starting from the current values.
 */
import { normalizeRoomName } from "../../shared/protocol.ts";
import type { Choice } from "./dialogs.ts";
import { roomProblem } from "./field-checks.ts";
import { showNotice } from "./display.ts";
import type { ChatSession } from "./session.ts";
import { positionalsOf, runTable, type SlashOptions } from "./table.ts";

/** `/create` or `/createroom`, asking only for the name and settings not given. */
export async function createRoom(
  session: ChatSession,
  opts: SlashOptions,
  name: string,
  args: string[],
): Promise<void> {
  let argv = args;
  const positionals = positionalsOf(name, args);
  const isWords = name === "createroom";
  if (positionals.length === 0 || (isWords && positionals.length < 3)) {
    const filled = await askRoomSettings(session, positionals, isWords, hasTopic(args));
    if (!filled) return session.print(showNotice("cancelled", session.opts.colors));
    // The flags of /create (and a --topic given) stay as they were typed.
    const options = args.filter((a) => !positionals.includes(a));
    argv = [...filled, ...options];
  }
  const room = normalizeRoomName(argv[0] ?? "") ?? "";
  const code = await runTable(session, opts, [name, ...argv]);
  if (code !== 0) return;
  await session.refreshRooms();
  await session.enter(room);
}

function hasTopic(args: string[]): boolean {
  return args.some((a) => a === "--topic" || a.startsWith("--topic="));
}

// The name, then (for the positional form) who may join and whether it is listed, each
// only when not given; the topic only when nothing but the name was given.
async function askRoomSettings(
  session: ChatSession,
  given: string[],
  isWords: boolean,
  isTopicGiven: boolean,
): Promise<string[] | null> {
  return session.modal(async (d) => {
    const name =
      given[0] ?? (await d.text("Room name", { placeholder: "e.g. dev", validate: roomProblem }));
    if (!name) return null;
    if (!isWords) return [name];
    const open = given[1] ?? (await d.select("Who may join?", OPEN_CHOICES));
    if (!open) return null;
    const visible = given[2] ?? (await d.select("Listed in /rooms?", VISIBLE_CHOICES));
    if (!visible) return null;
    if (given.length > 1 || isTopicGiven) return [name, open, visible];
    const topic = await d.text("Topic (optional)", { placeholder: "leave empty for none" });
    if (topic === null) return null;
    return topic ? [name, open, visible, "--topic", topic] : [name, open, visible];
  });
}

const OPEN_CHOICES: Choice<"open" | "closed">[] = [
  { value: "open", label: "open", hint: "anyone joins at once" },
  { value: "closed", label: "closed", hint: "you approve each request" },
];

const VISIBLE_CHOICES: Choice<"visible" | "hidden">[] = [
  { value: "visible", label: "visible", hint: "everyone sees it" },
  { value: "hidden", label: "hidden", hint: "joinable by name only" },
];

/**
 * `/edit` or `/editroom`, asking for the settings not given, each dialog starting on the
 * room's current value. The change is told by the room's update event that follows.
 */
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
    await runTable(session, opts, [name, ...args], undefined, true);
    return;
  }
  const room = normalizeRoomName(positionals[0] ?? "") ?? "";
  const current = session.rooms.get(room);
  const now = (isNow: boolean | undefined) => (isNow ? "now" : undefined);
  const filled = await session.modal(async (d) => {
    const open =
      positionals[1] ??
      (await d.select(
        `#${room}: who may join?`,
        OPEN_CHOICES.map((c) => ({ ...c, hint: now(current?.open === (c.value === "open")) })),
        current?.open === false ? "closed" : "open",
      ));
    if (!open) return null;
    const visible = await d.select(
      `#${room}: listed in /rooms?`,
      VISIBLE_CHOICES.map((c) => ({
        ...c,
        hint: now(current?.visible === (c.value === "visible")),
      })),
      current?.visible === false ? "hidden" : "visible",
    );
    if (!visible) return null;
    if (hasTopic(args)) return [room, open, visible];
    const topic = await d.text(`#${room}: topic`, { initial: current?.topic ?? "" });
    if (topic === null) return null;
    return [room, open, visible, "--topic", topic];
  });
  if (!filled) return session.print(showNotice("cancelled", session.opts.colors));
  const options = hasTopic(args) ? args.filter((a) => !positionals.includes(a)) : [];
  await runTable(session, opts, ["editroom", ...filled, ...options], undefined, true);
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
