import { beforeAll, describe, expect, test } from "bun:test";
import { jsonLines, registerUsers, uniqueName, type User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

let alice: User;
let bob: User;
let carol: User;

beforeAll(async () => {
  [alice, bob, carol] = await registerUsers(run.server.url, "alice", "bob", "carol");
});

/** A fresh open room of alice's with bob in it. */
async function room(...flags: string[]): Promise<string> {
  const name = uniqueName("f");
  await alice.ok(["create", name, ...flags]);
  if (!flags.includes("--closed")) await bob.ok(["join", name]);
  return name;
}

describe("chat me", () => {
  test("posts an action to a room or a user, shown as * name text; --json has action: true", async () => {
    const r = await room();
    const listening = await bob.listen([r]);
    try {
      expect(await alice.ok(["me", r, "waves", "hello"])).toBe("");
      const line = `* ${alice.name} waves hello`;
      await listening.waitUntil(() => listening.lines.some((l) => l.includes(line)), line);
    } finally {
      await listening.stop();
    }
    const [sent] = jsonLines(await alice.ok(["me", r, "nods", "--json"]));
    expect(sent).toMatchObject({ type: "message", room: r, text: "nods", action: true });
    const dm = jsonLines(await alice.ok(["me", `@${bob.name}`, "smiles", "--json"]))[0];
    expect(dm).toMatchObject({ type: "dm", to: bob.name, text: "smiles", action: true });
    const history = await bob.ok(["history", r]);
    expect(history).toContain(`#${r} * ${alice.name} waves hello`);
    const dms = await bob.ok(["history", `@${alice.name}`]);
    expect(dms).toContain(`[dm] * ${alice.name} -> ${bob.name} smiles`);
    const outsider = await carol.run(["me", r, "sneaks"]);
    expect(outsider.code).toBe(5);
  });
});

describe("chat amend and chat delete", () => {
  test("the sender amends and deletes; history marks (edited) and (deleted); --json shapes", async () => {
    const r = await room();
    const [first] = jsonLines(await bob.ok(["send", r, "helo", "--json"]));
    const [second] = jsonLines(await bob.ok(["send", r, "oops", "--json"]));
    expect(await bob.ok(["amend", r, String(first!.id), "hello", "again"])).toBe("amended\n");
    const [amended] = jsonLines(await bob.ok(["amend", r, String(first!.id), "hi", "--json"]));
    expect(amended).toMatchObject({ type: "message", id: first!.id, text: "hi", from: bob.name });
    expect(typeof amended!.edited).toBe("string");
    const [gone] = jsonLines(await bob.ok(["delete", r, String(second!.id), "--json"]));
    expect(gone).toMatchObject({ type: "message", id: second!.id, text: "", deleted: true });
    const lines = (await alice.ok(["history", r])).trimEnd().split("\n");
    expect(lines[0]).toEndWith(`${bob.name}: hi (edited)`);
    expect(lines[1]).toEndWith(`${bob.name}: (deleted)`);
    const json = jsonLines(await alice.ok(["history", r, "--json"]));
    expect(json.map((m) => [m.text, m.deleted ?? false])).toEqual([
      ["hi", false],
      ["", true],
    ]);
  });

  test("someone else's message exits 5, an unknown id 3, a missing text 2; the admin deletes any", async () => {
    const r = await room();
    const [m] = jsonLines(await bob.ok(["send", r, "mine", "--json"]));
    const id = String(m!.id);
    const other = await alice.run(["amend", r, id, "not yours"]);
    expect(other.code).toBe(5);
    expect(other.stderr).toContain("you can only edit your own messages");
    expect((await bob.run(["amend", r, "no-such-id", "x"])).code).toBe(3);
    expect((await bob.run(["amend", r, id])).code).toBe(2);
    expect((await carol.run(["delete", r, id])).code).toBe(5);
    expect(await alice.ok(["delete", r, id])).toBe("deleted\n");
    const dm = jsonLines(await alice.ok(["dm", bob.name, "private", "--json"]))[0]!;
    expect((await bob.run(["delete", `@${alice.name}`, String(dm.id)])).code).toBe(5);
    expect(await alice.ok(["delete", `@${bob.name}`, String(dm.id)])).toBe("deleted\n");
  });
});

describe("chat away", () => {
  test("sets an away message shown in who, clears it with no words; --json shape", async () => {
    const r = await room();
    expect(await bob.ok(["away", "at", "lunch"])).toBe("away: at lunch\n");
    const table = await alice.ok(["who", r]);
    expect(table.split("\n")[0]).toMatch(/USER\s+STATUS\s+TYPING\s+AWAY/);
    expect(table).toMatch(new RegExp(`${bob.name}\\s+offline\\s+at lunch`));
    const who = jsonLines(await alice.ok(["who", r, "--json"]));
    expect(who.find((u) => u.user === bob.name)).toMatchObject({ away: "at lunch" });
    expect(jsonLines(await bob.ok(["away", "--json"]))).toEqual([{ away: null }]);
    expect(await alice.ok(["who", r])).not.toContain("AWAY");
    expect((await bob.run(["away", "x".repeat(201)])).code).toBe(2);
  });
});

describe("chat topic", () => {
  test("reads and sets a topic; only the admin sets; a hidden room is not found", async () => {
    const r = await room();
    expect(await bob.ok(["topic", r])).toBe(`#${r} has no topic\n`);
    expect(await alice.ok(["topic", r, "release", "on", "Friday"])).toBe(
      `topic of #${r}: release on Friday\n`,
    );
    expect(await bob.ok(["topic", `#${r}`])).toBe(`#${r}: release on Friday\n`);
    expect(jsonLines(await bob.ok(["topic", r, "--json"]))).toEqual([
      { room: r, topic: "release on Friday" },
    ]);
    const refused = await bob.run(["topic", r, "mine now"]);
    expect(refused.code).toBe(5);
    expect(jsonLines(await alice.ok(["topic", r, "", "--json"]))).toEqual([{ room: r, topic: "" }]);
    const hidden = await room("--hidden");
    expect((await carol.run(["topic", hidden])).code).toBe(3);
    expect((await carol.run(["topic", uniqueName("nosuch")])).code).toBe(3);
  });
});

describe("chat ban, unban, bans", () => {
  test("the admin bans and unbans; bans lists them; the banned join exits 5; --json shapes", async () => {
    const r = await room();
    expect(await alice.ok(["ban", r, bob.name])).toBe(`banned ${bob.name} from #${r}\n`);
    expect((await bob.run(["join", r])).code).toBe(5);
    expect(await alice.ok(["bans", r])).toMatch(new RegExp(`USER\\n${bob.name}\\n`));
    expect(jsonLines(await alice.ok(["bans", r, "--json"]))).toEqual([{ room: r, user: bob.name }]);
    expect((await carol.run(["bans", r])).code).toBe(5);
    expect((await carol.run(["ban", r, bob.name])).code).toBe(5);
    expect(jsonLines(await alice.ok(["unban", r, bob.name, "--json"]))).toEqual([
      { room: r, user: bob.name, status: "unbanned" },
    ]);
    expect(await alice.ok(["bans", r])).toBe(`nobody is banned from #${r}\n`);
    expect((await alice.run(["unban", r, bob.name])).code).toBe(3);
    expect(jsonLines(await alice.ok(["ban", r, carol.name, "--json"]))).toEqual([
      { room: r, user: carol.name, status: "banned" },
    ]);
  });
});

describe("chat invite, uninvite, handover", () => {
  test("an invite lets a user into a closed hidden room; handover makes another member admin", async () => {
    const r = await room("--closed", "--hidden");
    expect(await alice.ok(["invite", r, carol.name])).toBe(`invited ${carol.name} to #${r}\n`);
    expect(jsonLines(await carol.ok(["join", r, "--json"]))).toEqual([
      { room: r, status: "joined" },
    ]);
    expect(jsonLines(await alice.ok(["invite", r, bob.name, "--json"]))).toEqual([
      { room: r, user: bob.name, status: "invited" },
    ]);
    expect(await alice.ok(["uninvite", r, bob.name])).toBe(
      `withdrew the invite of ${bob.name} to #${r}\n`,
    );
    expect((await alice.run(["uninvite", r, bob.name])).code).toBe(3);
    // A non-member asking about a hidden room: not found, as for a missing room.
    expect((await bob.run(["invite", r, bob.name])).code).toBe(3);
    expect((await carol.run(["invite", r, bob.name])).code).toBe(5);
    expect((await alice.run(["handover", r, bob.name])).code).toBe(3);
    expect(jsonLines(await alice.ok(["handover", r, carol.name, "--json"]))).toEqual([
      { room: r, user: carol.name, status: "handed_over" },
    ]);
    expect(await alice.ok(["leave", r])).toBe(`left #${r}\n`);
  });

  test("help lists the new commands with their usage", async () => {
    const help = await alice.ok(["help"]);
    for (const name of ["me", "amend", "delete", "away", "topic", "ban", "bans", "invite"]) {
      expect(help).toMatch(new RegExp(`\\n  ${name} +\\S`));
    }
    expect(await alice.ok(["help", "handover"])).toStartWith("usage: chat handover <room> <user>");
  });
});
