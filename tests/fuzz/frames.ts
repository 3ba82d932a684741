/**
 * A seeded generator of hostile client frames, and the invariants a parsed frame must hold.
 *
 * The same seed always gives the same frames, so a failure found by `scripts/fuzz.ts` or by a
 * test can be replayed. Frames are built as JSON text by hand (not with JSON.stringify of an
 * object) so that duplicate keys and own `__proto__` keys reach the server as written.
 */
import { LIMITS, type ClientMessage, type ClientMessageType } from "../../shared/protocol.ts";

/** A small, fast, seeded PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One frame to put on the wire. `label` names the recipe that made it (for statistics). */
export type Frame =
  | { kind: "text"; data: string; label: string }
  | { kind: "binary"; data: Uint8Array; label: string };

/** Names the generator draws from, so that valid-looking frames hit real rooms and users. */
export interface FuzzContext {
  rooms: string[];
  users: string[];
  messageIds: string[];
}

type FieldKind =
  | "room"
  | "user"
  | "password"
  | "token"
  | "text"
  | "topic"
  | "bool"
  | "mode"
  | "clientId"
  | "limit"
  | "msgId";

interface Shape {
  required: Record<string, FieldKind>;
  optional: Record<string, FieldKind>;
}

/** Every client frame type with its fields; used both to build frames and to check parses. */
const SHAPES: Record<ClientMessageType, Shape> = {
  register: {
    required: { user: "user", password: "password" },
    optional: { mode: "mode", client: "clientId" },
  },
  login: {
    required: { user: "user", password: "password" },
    optional: { mode: "mode", client: "clientId" },
  },
  auth: { required: { token: "token" }, optional: { mode: "mode" } },
  logout: { required: {}, optional: {} },
  passwd: { required: { old: "password", new: "password" }, optional: { keepSessions: "bool" } },
  sessions: { required: {}, optional: {} },
  revoke: { required: { session: "msgId" }, optional: {} },
  rooms: { required: {}, optional: {} },
  create: {
    required: { room: "room" },
    optional: { open: "bool", visible: "bool", topic: "topic" },
  },
  edit: { required: { room: "room" }, optional: { open: "bool", visible: "bool", topic: "topic" } },
  shutdown: { required: { room: "room" }, optional: {} },
  join: { required: { room: "room" }, optional: {} },
  leave: { required: { room: "room" }, optional: {} },
  requests: { required: {}, optional: { room: "room" } },
  approve: { required: { room: "room", user: "user" }, optional: {} },
  deny: { required: { room: "room", user: "user" }, optional: {} },
  kick: { required: { room: "room", user: "user" }, optional: {} },
  send: {
    required: { room: "room", text: "text" },
    optional: { clientId: "clientId", action: "bool" },
  },
  dm: {
    required: { to: "user", text: "text" },
    optional: { clientId: "clientId", action: "bool" },
  },
  amend: {
    required: { messageId: "msgId", text: "text" },
    optional: { room: "room", user: "user" },
  },
  delete: { required: { messageId: "msgId" }, optional: { room: "room", user: "user" } },
  away: { required: {}, optional: { message: "topic" } },
  ban: { required: { room: "room", user: "user" }, optional: {} },
  unban: { required: { room: "room", user: "user" }, optional: {} },
  bans: { required: { room: "room" }, optional: { limit: "limit" } },
  invite: { required: { room: "room", user: "user" }, optional: {} },
  uninvite: { required: { room: "room", user: "user" }, optional: {} },
  handover: { required: { room: "room", user: "user" }, optional: {} },
  history: {
    required: {},
    optional: { room: "room", user: "user", limit: "limit", before: "msgId", after: "msgId" },
  },
  sync: { required: { since: "msgId" }, optional: {} },
  who: { required: {}, optional: { room: "room" } },
  read: { required: { upTo: "msgId" }, optional: { room: "room", user: "user" } },
  conversations: { required: {}, optional: { limit: "limit", cursor: "msgId" } },
  typing: { required: { room: "room", typing: "bool" }, optional: {} },
  activity: { required: {}, optional: {} },
  ping: { required: {}, optional: {} },
};

/** The client frame types. */
export const CLIENT_TYPES = Object.keys(SHAPES) as ClientMessageType[];

// Parser limits per field kind (the parser checks type and length; the server checks names).
const MAX_LENGTH: Record<FieldKind, number> = {
  room: 64,
  user: 64,
  password: LIMITS.passwordMax,
  token: 256,
  text: LIMITS.textMax * 4,
  topic: LIMITS.topicMax * 4,
  bool: 0,
  mode: 0,
  clientId: LIMITS.clientIdMax,
  limit: 0,
  msgId: 64,
};

/**
 * Check that a value returned by parseClientMessage holds the ClientMessage invariants:
 * a known type, only that type's fields, each of the right JS type and within its limit,
 * required fields present, a plain prototype. Returns the first problem, or null.
 */
export function checkClientMessage(msg: ClientMessage): string | null {
  if (typeof msg !== "object" || msg === null) return "not an object";
  if (Object.getPrototypeOf(msg) !== Object.prototype) return "prototype is not Object.prototype";
  const shape = SHAPES[msg.type as ClientMessageType];
  if (!Object.hasOwn(SHAPES, msg.type) || shape === undefined) return `unknown type ${msg.type}`;
  const rec = msg as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (key === "type") continue;
    if (key === "id") {
      if (typeof rec.id !== "string" || rec.id.length > LIMITS.requestIdMax) return "bad id";
      continue;
    }
    const kind = shape.required[key] ?? shape.optional[key];
    if (!Object.hasOwn(shape.required, key) && !Object.hasOwn(shape.optional, key)) {
      return `unexpected field '${key}' on ${msg.type}`;
    }
    const problem = checkField(kind as FieldKind, rec[key]);
    if (problem) return `${msg.type}.${key}: ${problem}`;
  }
  for (const key of Object.keys(shape.required)) {
    if (!Object.hasOwn(rec, key)) return `${msg.type} without '${key}'`;
  }
  const isOneOf = msg.type === "history" || msg.type === "amend" || msg.type === "delete";
  if (isOneOf && (msg.room === undefined) === (msg.user === undefined)) {
    return `${msg.type} without exactly one of room and user`;
  }
  return null;
}

function checkField(kind: FieldKind, value: unknown): string | null {
  switch (kind) {
    case "bool":
      return typeof value === "boolean" ? null : "not a boolean";
    case "mode":
      return value === "interactive" || value === "listen" || value === "oneshot"
        ? null
        : "not a mode";
    case "limit":
      return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10_000
        ? null
        : "limit out of range";
    default:
      if (typeof value !== "string") return "not a string";
      return value.length <= MAX_LENGTH[kind] ? null : "too long";
  }
}

// ---------------------------------------------------------------------------
// Building JSON text by hand

/** JSON text inserted as it is. */
class Raw {
  constructor(readonly text: string) {}
}

type Entries = [string, unknown][];

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  return JSON.stringify(value) ?? "null";
}

function entriesToJson(entries: Entries): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(",")}}`;
}

// ---------------------------------------------------------------------------
// Hostile values

const CONTROL_STRINGS = [
  "\x1b[2J\x1b[H",
  "\x1b]52;c;cHduZWQ=\x07",
  "\x1b]0;owned\x1b\\",
  "\x07\x07\x07",
  "abc\b\b\bxyz",
  "\x9b31m8bit\x9b0m",
  "\u202eevil\u202c",
  "\u2066iso\u2069",
  "\x00nul\x00",
  "\r\n\r\n",
  "\t\v\f",
  "\x7f\x85\x9c",
];

const NAME_STRINGS = [
  "../x",
  "..",
  "/etc/passwd",
  "..\\..\\x",
  "%2e%2e%2fx",
  "a/b",
  "con",
  "nul",
  "constructor",
  "__proto__",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "#",
  "##lobby",
  " #Lobby",
  "LOBBY ",
  "#Attic",
  "\tlobby",
  "#constructor",
  " ",
  "",
  "-x",
  "_x",
  "A".repeat(32),
  "a".repeat(33),
  "a".repeat(64),
  "a".repeat(65),
  "é",
  "ﬀ",
  "K", // Kelvin sign lower-cases to "k"
  "İ",
  "\u0000",
  "a\u200bb",
  "x\ny",
];

const SPECIAL_NUMBERS = [
  new Raw("-0"),
  new Raw("1e309"),
  new Raw("-1e309"),
  new Raw("1.5"),
  new Raw("0"),
  new Raw("-1"),
  new Raw("10001"),
  new Raw("9007199254740993"),
  new Raw("1e-400"),
  new Raw("0x10"),
  new Raw("NaN"),
  new Raw("Infinity"),
];

/** The generator of hostile frames. */
export class FrameGenerator {
  readonly #rand: () => number;
  #ctx: FuzzContext;

  constructor(seed: number, ctx?: Partial<FuzzContext>) {
    this.#rand = mulberry32(seed);
    this.#ctx = { rooms: ["lobby"], users: ["alice"], messageIds: [], ...ctx };
  }

  /** Change the names the generator draws from (rooms, users, message ids seen so far). */
  setContext(ctx: Partial<FuzzContext>): void {
    this.#ctx = { ...this.#ctx, ...ctx };
  }

  /** The next frame. */
  next(): Frame {
    const recipes: [number, () => Frame][] = [
      [10, () => this.#text("valid", this.#entriesToText(this.#valid(this.#type())))],
      [30, () => this.#text("mutated-field", this.#entriesToText(this.#mutateOne()))],
      [8, () => this.#text("mutated-many", this.#entriesToText(this.#mutateMany()))],
      [8, () => this.#text("extra-fields", this.#entriesToText(this.#extraFields()))],
      [6, () => this.#text("bad-type", this.#entriesToText(this.#badType()))],
      [10, () => this.#text("malformed-json", this.#malformed())],
      [4, () => this.#text("not-an-object", this.#notObject())],
      [4, () => this.#text("deep-nesting", this.#deep())],
      [5, () => this.#text("huge", this.#huge())],
      [6, () => this.#binary()],
      [5, () => this.#text("control-chars", this.#entriesToText(this.#controlChars()))],
      [4, () => this.#text("lone-surrogates", this.#surrogates())],
    ];
    const total = recipes.reduce((sum, [w]) => sum + w, 0);
    let pick = this.#rand() * total;
    for (const [weight, make] of recipes) {
      pick -= weight;
      if (pick < 0) return make();
    }
    return (recipes[0] as [number, () => Frame])[1]();
  }

  #int(n: number): number {
    return Math.floor(this.#rand() * n);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T;
  }

  #chance(p: number): boolean {
    return this.#rand() < p;
  }

  #text(label: string, data: string): Frame {
    return { kind: "text", data, label };
  }

  #type(): ClientMessageType {
    return this.#pick(CLIENT_TYPES);
  }

  #entriesToText(entries: Entries): string {
    return entriesToJson(entries);
  }

  /** A valid value for a field kind (valid for the parser; names may be real or not). */
  #validValue(kind: FieldKind): unknown {
    const { rooms, users, messageIds } = this.#ctx;
    switch (kind) {
      case "room":
        return this.#chance(0.8) ? this.#pick(rooms) : this.#pick(["nowhere", "#lobby", "x-1"]);
      case "user":
        return this.#chance(0.8) ? this.#pick(users) : this.#pick(["nobody", "bob_2"]);
      case "password":
        return this.#pick(["password1", "correct horse", "p".repeat(8)]);
      case "token":
        return this.#pick(["", "AAAA", "x".repeat(43), "not-a-token"]);
      case "text":
        return this.#pick(["hello", "hi there", "multi\nline", "  padded  "]);
      case "topic":
        return this.#pick(["", "a topic", "t".repeat(200)]);
      case "bool":
        return this.#chance(0.5);
      case "mode":
        return this.#pick(["interactive", "listen", "oneshot"]);
      case "clientId":
        return `c-${this.#int(50)}`;
      case "limit":
        return 1 + this.#int(300);
      case "msgId":
        return messageIds.length > 0 && this.#chance(0.7)
          ? this.#pick(messageIds)
          : "00000000-0000-7000-8000-000000000000";
    }
  }

  /** A valid frame of one type, as entries. */
  #valid(type: ClientMessageType): Entries {
    const shape = SHAPES[type];
    const entries: Entries = [["type", type]];
    if (this.#chance(0.7)) entries.push(["id", `f${this.#int(1_000_000)}`]);
    for (const [key, kind] of Object.entries(shape.required)) {
      entries.push([key, this.#validValue(kind)]);
    }
    if (type === "history") {
      const key = this.#chance(0.5) ? "room" : "user";
      entries.push([key, this.#validValue(key)]);
      for (const key of ["limit", "before", "after"] as const) {
        if (this.#chance(0.3)) entries.push([key, this.#validValue(SHAPES.history.optional[key]!)]);
      }
      return entries;
    }
    if (type === "amend" || type === "delete") {
      const key = this.#chance(0.5) ? "room" : "user";
      entries.push([key, this.#validValue(key)]);
      return entries;
    }
    for (const [key, kind] of Object.entries(shape.optional)) {
      if (this.#chance(0.4)) entries.push([key, this.#validValue(kind)]);
    }
    return entries;
  }

  /** A hostile value of any JSON type. */
  #hostileValue(): unknown {
    switch (this.#int(14)) {
      case 0:
        return null;
      case 1:
        return this.#pick([true, false]);
      case 2:
        return this.#pick(SPECIAL_NUMBERS);
      case 3:
        return this.#pick([[], [1, 2], ["lobby"], [null]]);
      case 4:
        return new Raw(this.#pick(["{}", '{"__proto__":{"x":1}}', '{"toString":1}']));
      case 5:
        return this.#pick(NAME_STRINGS);
      case 6:
        return this.#pick(CONTROL_STRINGS);
      case 7:
        return "x".repeat(this.#pick([4000, 4001, 16_000, 16_001, 30_000]));
      case 8:
        return " ".repeat(this.#pick([1, 10, 5000]));
      case 9:
        return this.#pick(["true", "false", "1", "0", "null", "undefined"]);
      case 10:
        return new Raw(`"${"\\ud800".repeat(1 + this.#int(4))}"`);
      case 11:
        return "😀".repeat(this.#pick([1, 2001, 8001]));
      case 12:
        return new Raw(this.#nest(1 + this.#int(200)));
      default:
        return this.#pick(["", "a", "interactive ", "LISTEN", "lobby\u0000"]);
    }
  }

  #nest(depth: number): string {
    return this.#chance(0.5)
      ? "[".repeat(depth) + "]".repeat(depth)
      : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  }

  /** A valid frame with one field removed or replaced by a hostile value. */
  #mutateOne(): Entries {
    const entries = this.#valid(this.#type());
    // Every field of the type, present or not, may be the one mutated.
    const type = entries[0]![1] as ClientMessageType;
    const keys = [
      "id",
      ...Object.keys(SHAPES[type].required),
      ...Object.keys(SHAPES[type].optional),
    ];
    const key = this.#pick(keys);
    const at = entries.findIndex(([k]) => k === key);
    if (at >= 0 && this.#chance(0.25)) {
      entries.splice(at, 1);
    } else if (at >= 0) {
      entries[at] = [key, this.#hostileValue()];
    } else {
      entries.push([key, this.#hostileValue()]);
    }
    return entries;
  }

  #mutateMany(): Entries {
    const entries = this.#valid(this.#type());
    const n = 2 + this.#int(4);
    for (let i = 0; i < n; i++) {
      const at = 1 + this.#int(Math.max(1, entries.length - 1));
      if (at < entries.length) entries[at] = [entries[at]![0], this.#hostileValue()];
    }
    if (this.#chance(0.3)) entries.push(...entries.slice(1)); // duplicate keys
    return entries;
  }

  /** A valid frame plus unknown keys, prototype-polluting keys and duplicates. */
  #extraFields(): Entries {
    const entries = this.#valid(this.#type());
    const extra = [
      "__proto__",
      "constructor",
      "prototype",
      "hasOwnProperty",
      "toJSON",
      "then",
      "x",
    ];
    const n = 1 + this.#int(3);
    for (let i = 0; i < n; i++) {
      const key = this.#pick(extra);
      const value = this.#chance(0.6)
        ? new Raw(
            this.#pick([
              '{"isAdmin":true,"room":"lobby","polluted":1}',
              '{"prototype":{"polluted":1}}',
              '{"type":"shutdown"}',
              "null",
            ]),
          )
        : this.#hostileValue();
      if (this.#chance(0.5)) entries.splice(1, 0, [key, value]);
      else entries.push([key, value]);
    }
    if (this.#chance(0.2)) entries.push(["type", this.#pick(["shutdown", "register", 1])]);
    return entries;
  }

  /** The `type` itself wrong. */
  #badType(): Entries {
    const entries = this.#valid(this.#type());
    const type = this.#pick([
      "SEND",
      " send",
      "send ",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "",
      "message",
      "welcome",
      "error",
      "session",
      "x".repeat(10_000),
    ] as unknown[]);
    const value = this.#chance(0.8) ? type : this.#hostileValue();
    if (this.#chance(0.15)) entries.shift();
    else entries[0] = ["type", value];
    return entries;
  }

  #malformed(): string {
    const valid = entriesToJson(this.#valid(this.#type()));
    switch (this.#int(9)) {
      case 0:
        return valid.slice(0, this.#int(valid.length));
      case 1:
        return valid + this.#pick(["}", ",", " x", "\u0000", "{}"]);
      case 2:
        return valid.replaceAll('"', "'");
      case 3:
        return `\ufeff${valid}`;
      case 4:
        return valid.replace("{", "{/*c*/");
      case 5:
        return this.#pick(["", " ", "\n", "{", "}", "{{}}", "{,}", '{"type"}', "undefined"]);
      case 6:
        return valid.replace(/:/, ":,");
      case 7: {
        let s = "";
        const n = 1 + this.#int(200);
        for (let i = 0; i < n; i++) s += String.fromCharCode(this.#int(0x80));
        return s;
      }
      default:
        return valid.replace(/"type"/, "type");
    }
  }

  #notObject(): string {
    return this.#pick([
      "null",
      "true",
      "0",
      "-1e999",
      '"send"',
      "[]",
      '[{"type":"ping"}]',
      '[["type","ping"]]',
      '""',
    ]);
  }

  #deep(): string {
    const depth = this.#pick([100, 1000, 5000, 20_000]);
    const nested = this.#nest(depth);
    return this.#chance(0.5) ? nested : `{"type":"send","room":"lobby","text":${nested}}`;
  }

  #huge(): string {
    switch (this.#int(4)) {
      case 0: {
        const n = this.#pick([10_000, 60_000, 70_000]);
        return entriesToJson([
          ["type", "send"],
          ["room", this.#pick(this.#ctx.rooms)],
          ["text", "y".repeat(n)],
        ]);
      }
      case 1: {
        const items = new Array(this.#pick([1000, 10_000])).fill(0).join(",");
        return `{"type":"join","room":[${items}]}`;
      }
      case 2: {
        const keys: Entries = [["type", "ping"]];
        const n = this.#pick([500, 3000]);
        for (let i = 0; i < n; i++) keys.push([`k${i}`, i]);
        return entriesToJson(keys);
      }
      default:
        return entriesToJson([
          ["type", "create"],
          ["room", "r"],
          ["topic", "t".repeat(this.#pick([801, 5000, 100_000]))],
        ]);
    }
  }

  #binary(): Frame {
    const choice = this.#int(4);
    let data: Uint8Array;
    if (choice === 0) {
      data = new TextEncoder().encode(entriesToJson(this.#valid(this.#type())));
    } else if (choice === 1) {
      // Invalid UTF-8: lone continuation bytes, overlong encodings, a truncated sequence.
      data = new Uint8Array([0x7b, 0x22, 0x74, 0xc0, 0xaf, 0xff, 0xfe, 0x80, 0xe2, 0x82]);
    } else {
      data = new Uint8Array(1 + this.#int(choice === 2 ? 64 : 4096));
      for (let i = 0; i < data.length; i++) data[i] = this.#int(256);
    }
    return { kind: "binary", data, label: "binary" };
  }

  /** Valid-shaped frames whose names and texts carry control, bidi and escape sequences. */
  #controlChars(): Entries {
    const type = this.#pick(["send", "dm", "create", "edit", "join", "register", "who"] as const);
    const entries = this.#valid(type);
    for (let i = 1; i < entries.length; i++) {
      const [key, value] = entries[i]!;
      if (typeof value === "string" && key !== "type") {
        entries[i] = [key, value + this.#pick(CONTROL_STRINGS) + this.#pick(CONTROL_STRINGS)];
      }
    }
    return entries;
  }

  #surrogates(): string {
    const type = this.#pick(["send", "join", "dm", "ping"]);
    const bad = this.#pick(["\\ud800", "\\udfff", "\\ud83d", "\\ud83d\\u0041", "\\u0000"]);
    switch (type) {
      case "send":
        return `{"type":"send","room":"${this.#pick(this.#ctx.rooms)}","text":"a${bad}b"}`;
      case "join":
        return `{"type":"join","room":"lob${bad}by"}`;
      case "dm":
        return `{"type":"dm","to":"${bad}","text":"${bad}"}`;
      default:
        return `{"type":"ping","id":"${bad}"}`;
    }
  }
}

/** The text of a frame as the server would decode it (binary frames as UTF-8, lossy). */
export function frameText(frame: Frame): string {
  return frame.kind === "text" ? frame.data : new TextDecoder().decode(frame.data);
}
