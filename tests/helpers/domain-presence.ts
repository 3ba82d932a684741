/** What the domain tests of presence and typing share: two users in a room, and what one was told. */
import type { FakeConn, Harness } from "./domain.ts";
import { entriesOf } from "./presence.ts";

/** alice creates #lobby and bob joins it; both connected live. */
export async function pair(h: Harness) {
  const alice = await h.user("alice");
  await h.call(alice, { type: "create", room: "lobby" });
  const bob = await h.user("bob");
  await h.call(bob, { type: "join", room: "lobby" });
  return { alice, bob };
}

/** Every state of `user` the connection was told, one per event naming them. */
export const told = (c: FakeConn, user: string) => entriesOf(c.events("presence"), user);

/** The statuses of `user` the connection was told, in order. */
export const statuses = (c: FakeConn, user: string) => told(c, user).map((p) => p.status);
