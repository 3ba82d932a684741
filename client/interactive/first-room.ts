/** The room a chat starts in: the last one used with the server, or one picked or created. */
import { normalizeRoomName, type RoomInfo } from "../../shared/protocol.ts";
import type { Connection } from "../connection.ts";
import { describeError } from "../errors.ts";
import type { Colors } from "../render.ts";
import type { Dialogs } from "./dialogs.ts";
import { roomProblem } from "./field-checks.ts";
import type { StateStore } from "./history-file.ts";
import { dialogWords } from "./words.ts";

/** The last room used with this server, or a picker. undefined: cancelled. */
export async function chooseRoom(
  conn: Connection,
  state: StateStore,
  server: string,
  me: string,
  d: Dialogs,
  c: Colors,
): Promise<string | null | undefined> {
  const reply = await conn.request({ type: "rooms" });
  const rooms = reply.type === "rooms" ? reply.rooms : [];
  const isMember = (r: RoomInfo) => r.role === "member" || r.role === "admin";
  const last = state.lastRoom(server, me);
  if (last && rooms.some((r) => r.name === last && isMember(r))) return last;
  const choices = rooms
    .filter((r) => isMember(r) || (r.open && r.visible))
    .sort((a, b) => Number(isMember(b)) - Number(isMember(a)) || b.members - a.members)
    .map((r) => ({
      value: `#${r.name}`,
      // Unread counts in the label: clack shows a hint only on the focused choice.
      label: `#${r.name}${r.unread ? `(${r.unread}${r.mentions ? `,${r.mentions}!` : ""})` : ""}`,
      hint: `${isMember(r) ? r.role : "open"}, ${r.members} ${r.members === 1 ? "member" : "members"}${r.topic ? `: ${r.topic}` : ""}`,
    }));
  choices.push({ value: "+new", label: c.dim("create a new room"), hint: "" });
  const picked = await d.select("Which room?", choices);
  if (picked === null) return undefined;
  if (picked === "+new") return createFirstRoom(conn, d);
  const room = picked.slice(1);
  if (!rooms.some((r) => r.name === room && isMember(r))) {
    const joined = await conn.request({ type: "join", room });
    if (joined.type === "joined" && joined.status === "pending") {
      d.info(`asked the admin of #${room} to let you in`);
      return null;
    }
  }
  return room;
}

async function createFirstRoom(conn: Connection, d: Dialogs): Promise<string | null | undefined> {
  for (;;) {
    const raw = await d.text("Room name", { placeholder: "e.g. lobby", validate: roomProblem });
    if (raw === null) return undefined;
    const room = normalizeRoomName(raw);
    if (!room) {
      d.info("room names are 1-32 characters of a-z 0-9 _ -");
      continue;
    }
    try {
      await conn.request({ type: "create", room });
      return room;
    } catch (err) {
      d.info(dialogWords(describeError(err)));
    }
  }
}
