/** `chat listen --since` and its filters: what came after a cursor, once, then live events. */
import { describe, expect, test } from "bun:test";
import { useServer } from "../helpers/use-server.ts";
import { registerUser, uniqueName } from "./helpers.ts";
import { alice, bob, listenWith, sharedRoom, useAliceAndBob } from "./listen-setup.ts";

const run = useServer({ isPerFile: true });
useAliceAndBob(run);
const listen = listenWith(run);

describe("chat listen --since", () => {
  test("prints what happened after the cursor once, in log order, then live events", async () => {
    const carol = await registerUser(run.server.url, "carol");
    const room = uniqueName("off");
    await alice.ok(["create", room, "--closed"]);
    const first = await listen(carol, ["--json", "--count", "1"]);
    await alice.ok(["dm", carol.name, "first"]);
    expect(await first.proc.exited).toBe(0);
    const cursor = String(first.json.find((e) => e.text === "first")!.seq);
    // While carol is away:
    await carol.ok(["join", room]);
    await alice.ok(["approve", room, carol.name]);
    await alice.ok(["dm", carol.name, "while you were out"]);
    await alice.ok(["send", room, "welcome"]);
    const l = await listen(carol, ["--json", "--since", cursor]);
    await l.waitForJson((e) => e.text === "welcome", "the missed room message");
    await alice.ok(["send", room, "live"]);
    await l.waitForJson((e) => e.text === "live", "the live message");
    const seen = l.json.map((e) => `${String(e.type)} ${String(e.text ?? e.approved ?? e.event)}`);
    expect(seen).toEqual([
      "member joined",
      "join_decision true",
      "dm while you were out",
      "message welcome",
      "message live",
    ]);
    const seqs = l.json.map((e) => String(e.seq));
    expect(seqs).toEqual([...seqs].sort());
    expect(seqs[0]! > cursor).toBe(true);
  });

  test("without it, listen starts from now and names its cursor on stderr: given to --since, it brings what came meanwhile", async () => {
    const room = await sharedRoom();
    await alice.ok(["send", room, "before"]);
    const first = await listen(bob, ["--json"]);
    const cursor = /^listening on .* from cursor (\d{16})$/m.exec(first.stderr)?.[1] ?? "";
    expect(cursor).toMatch(/^\d{16}$/);
    await first.close();
    await alice.ok(["send", room, "meanwhile"]);
    const l = await listen(bob, ["--json", "--since", cursor]);
    expect(l.stderr).toContain(`from cursor ${cursor}`);
    await alice.ok(["send", room, "live"]);
    await l.waitForJson((e) => e.text === "live", "the live message");
    const texts = [...first.json, ...l.json].filter((e) => e.room === room).map((e) => e.text);
    expect(texts).toEqual(["meanwhile", "live"]);
  });

  test("--type keeps only those types; --exclude-self drops one's own messages", async () => {
    const room = await sharedRoom();
    const l = await listen(bob, ["--json", "--type", "message,dm", "--exclude-self"]);
    await bob.ok(["send", room, "mine"]);
    await alice.ok(["edit", room, "--topic", "not printed"]);
    await alice.ok(["dm", bob.name, "theirs"]);
    await alice.ok(["send", room, "last"]);
    await l.waitForJson((e) => e.text === "last", "the last message");
    expect(l.json.map((e) => `${String(e.type)} ${String(e.text)}`)).toEqual([
      "dm theirs",
      "message last",
    ]);
  });

  test("a malformed cursor or type list is a usage error (2); a foreign cursor is refused (2)", async () => {
    for (const args of [
      ["--since", "yesterday"],
      ["--type", "message;rm"],
    ]) {
      const r = await bob.run(["listen", ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
    const foreign = await bob.run(["listen", "--since", "9999999999999999"]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("cursor");
  });
});
