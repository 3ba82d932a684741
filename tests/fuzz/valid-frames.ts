/** Valid client frames, drawn from the names the fuzzer knows so as to hit real rooms and users. */
import type { ClientMessageType } from "../../shared/protocol.ts";
import type { Entries } from "./hostile-values.ts";
import type { Dice } from "./prng.ts";
import { CLIENT_TYPES, type FieldKind, SHAPES } from "./shapes.ts";

/** Names the generator draws from, so that valid-looking frames hit real rooms and users. */
export interface FuzzContext {
  rooms: string[];
  users: string[];
  messageIds: string[];
}

/** One of the client frame types. */
export function randomType(d: Dice): ClientMessageType {
  return d.pick(CLIENT_TYPES);
}

/** A valid value for a field kind (valid for the parser; names may be real or not). */
export function validValue(d: Dice, ctx: FuzzContext, kind: FieldKind): unknown {
  const { rooms, users, messageIds } = ctx;
  switch (kind) {
    case "room":
      return d.chance(0.8) ? d.pick(rooms) : d.pick(["nowhere", "#lobby", "x-1"]);
    case "user":
      return d.chance(0.8) ? d.pick(users) : d.pick(["nobody", "bob_2"]);
    case "password":
      return d.pick(["password1", "correct horse", "p".repeat(8)]);
    case "token":
      return d.pick(["", "AAAA", "x".repeat(43), "not-a-token"]);
    case "text":
      return d.pick(["hello", "hi there", "multi\nline", "  padded  "]);
    case "topic":
      return d.pick(["", "a topic", "t".repeat(200)]);
    case "bool":
      return d.chance(0.5);
    case "mode":
      return d.pick(["interactive", "listen", "oneshot"]);
    case "clientId":
      return `c-${d.int(50)}`;
    case "limit":
      return 1 + d.int(300);
    case "msgId":
      return messageIds.length > 0 && d.chance(0.7)
        ? d.pick(messageIds)
        : "00000000-0000-7000-8000-000000000000";
  }
}

/** A valid frame of one type, as entries. */
export function validFrame(d: Dice, ctx: FuzzContext, type: ClientMessageType): Entries {
  const shape = SHAPES[type];
  const entries: Entries = [["type", type]];
  if (d.chance(0.7)) entries.push(["id", `f${d.int(1_000_000)}`]);
  for (const [key, kind] of Object.entries(shape.required)) {
    entries.push([key, validValue(d, ctx, kind)]);
  }
  if (type === "history") {
    const key = d.chance(0.5) ? "room" : "user";
    entries.push([key, validValue(d, ctx, key)]);
    for (const key of ["limit", "before", "after"] as const) {
      if (d.chance(0.3)) entries.push([key, validValue(d, ctx, SHAPES.history.optional[key]!)]);
    }
    return entries;
  }
  if (type === "amend" || type === "delete") {
    const key = d.chance(0.5) ? "room" : "user";
    entries.push([key, validValue(d, ctx, key)]);
    return entries;
  }
  for (const [key, kind] of Object.entries(shape.optional)) {
    if (d.chance(0.4)) entries.push([key, validValue(d, ctx, kind)]);
  }
  return entries;
}
