/**
 * A populated server for the hostile-input runs: one admin with a room of every kind,
 * a member, an outsider, and connections for each role.
 */
import { FrameGenerator, type FuzzContext } from "./frames.ts";
import { emptyStats, sendHostile, type FuzzStats } from "./driver.ts";
import { loggedIn, registered, Wire } from "./wire.ts";

/** The rooms of the scenario, all administered by alice. */
export const ROOMS = {
  /** open, visible; mallory is a member */
  lobby: { open: true, visible: true },
  /** open, hidden; mallory is a member */
  attic: { open: true, visible: false },
  /** closed, visible; mallory's request is pending */
  club: { open: false, visible: true },
  /** closed, hidden; nobody but alice */
  secret: { open: false, visible: false },
  /** open, visible, shut down */
  gone: { open: true, visible: true },
} as const;

/** The names the generator draws from. */
export const CONTEXT: FuzzContext = {
  rooms: [...Object.keys(ROOMS), "nowhere", "constructor"],
  users: ["alice", "mallory", "eve", "nobody", "constructor"],
  messageIds: [],
};

/** The roles a hostile connection plays. */
export type FuzzRole = "anonymous" | "member" | "outsider";

const ROLE_USER: Record<FuzzRole, string | null> = {
  anonymous: null,
  member: "mallory",
  outsider: "eve",
};

/** What `populate` made: message ids of lobby, and a session token per user. */
export interface Populated {
  messageIds: string[];
  tokens: Record<string, string>;
}

/** Register the users and make the rooms. */
export async function populate(url: string): Promise<Populated> {
  const alice = await registered(url, "alice");
  const mallory = await registered(url, "mallory");
  const eve = await registered(url, "eve");
  for (const [room, kind] of Object.entries(ROOMS)) {
    await alice.ok({ type: "create", room, ...kind, topic: `the ${room}` });
  }
  await mallory.ok({ type: "join", room: "lobby" });
  await mallory.ok({ type: "join", room: "attic" });
  await mallory.ok({ type: "join", room: "club" });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const sent = await alice.ok({ type: "send", room: "lobby", text: `hello ${i}` });
    ids.push(String((sent.message as { id: string }).id));
  }
  await alice.ok({ type: "send", room: "secret", text: "the secret plan" });
  await alice.ok({ type: "shutdown", room: "gone" });
  const tokens: Record<string, string> = {};
  for (const [name, wire] of Object.entries({ alice, mallory, eve })) {
    tokens[name] = String(wire.received.find((m) => m.type === "session")?.token);
  }
  await Promise.all([alice.close(), mallory.close(), eve.close()]);
  return { messageIds: ids, tokens };
}

// The member is a person at a terminal, the outsider a `listen` script: presence and typing
// paths run too.
const ROLE_MODE: Record<FuzzRole, string> = {
  anonymous: "oneshot",
  member: "interactive",
  outsider: "listen",
};

/** Open a connection playing `role`. */
async function connectAs(url: string, role: FuzzRole): Promise<Wire> {
  const user = ROLE_USER[role];
  return user === null ? Wire.open(url) : loggedIn(url, user, ROLE_MODE[role]);
}

/** Frame types the server answers only when they carry an id. */
export const NO_REPLY = new Set<string>();

/**
 * Send `count` generated frames as `role`, reconnecting whenever the connection closed or
 * changed identity (a hostile but valid `register`, `login` or `logout`).
 */
export async function fuzzRole(
  url: string,
  role: FuzzRole,
  count: number,
  gen: FrameGenerator,
  stats: FuzzStats = emptyStats(),
): Promise<FuzzStats> {
  let wire = await connectAs(url, role);
  for (let i = 0; i < count; i++) {
    const outcome = await sendHostile(wire, gen.next(), stats, NO_REPLY);
    const changedIdentity =
      outcome.answer?.type === "session" ||
      (outcome.answer?.type === "ok" && outcome.parsed?.type === "logout");
    if (outcome.isClosed || changedIdentity) {
      await wire.close();
      wire = await connectAs(url, role);
    }
  }
  await wire.close();
  return stats;
}
