/** Logging out revokes the session on every connection that used it. */
import { describe, expect, test } from "bun:test";
import { loggedIn, registered, Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

describe("Sessions", () => {
  test("logout revokes the session on every connection that used it, not only for new ones", async () => {
    const alice = await registered(run.server.url, "alison");
    const token = String(alice.received.find((m) => m.type === "session")?.token);
    await alice.ok({ type: "create", room: "alisons" });
    // The same token on a second connection (a stolen token, or `chat listen` elsewhere),
    // and a separate login (another session) on a third.
    const sameToken = await Wire.open(run.server.url);
    await sameToken.ok({ type: "auth", token, mode: "listen" });
    const otherSession = await loggedIn(run.server.url, "alison", "listen");
    const told = sameToken.next((m) => m.type === "error" && m.code === "auth_required");
    await alice.ok({ type: "logout" });
    await told;
    expect((await sameToken.request({ type: "send", room: "alisons", text: "x" })).code).toBe(
      "auth_required",
    );
    const fresh = await Wire.open(run.server.url);
    expect((await fresh.request({ type: "auth", token })).code).toBe("auth_failed");
    // The other session is untouched, and the revoked connection no longer receives the room.
    await otherSession.ok({ type: "send", room: "alisons", text: "after logout" });
    await sameToken.ok({ type: "ping" });
    expect(JSON.stringify(sameToken.received)).not.toContain("after logout");
    for (const w of [alice, sameToken, otherSession, fresh]) await w.close();
  });
});
