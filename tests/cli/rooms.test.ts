import { beforeAll, describe, expect, test } from "bun:test";
import { jsonLines, registerUser, registerUsers, uniqueName, type User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

let alice: User;
let bob: User;

beforeAll(async () => {
  [alice, bob] = await registerUsers(run.server.url, "alice", "bob");
});

describe("chat create and createroom", () => {
  test("create prints the room; --json prints the rooms shape", async () => {
    const room = uniqueName("r");
    expect(await alice.ok(["create", room, "--topic", "Dev talk"])).toBe(
      `created #${room} (open, visible, topic "Dev talk")\n`,
    );
    const other = uniqueName("r");
    const out = await alice.ok(["create", `#${other}`, "--closed", "--hidden", "--json"]);
    expect(jsonLines(out)).toEqual([
      {
        name: other,
        open: false,
        visible: false,
        admin: alice.name,
        members: 1,
        role: "admin",
        topic: "",
      },
    ]);
  });

  test("createroom takes open and visible as words", async () => {
    const room = uniqueName("cr");
    const out = jsonLines(await alice.ok(["createroom", room, "closed", "hidden", "--json"]));
    expect(out[0]).toMatchObject({ name: room, open: false, visible: false });
    const plain = uniqueName("cr");
    const def = jsonLines(await alice.ok(["createroom", plain, "--json"]));
    expect(def[0]).toMatchObject({ open: true, visible: true });
    const bad = await alice.run(["createroom", uniqueName("cr"), "maybe"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("open closed true false yes no 1 0");
  });

  test("a taken name exits 6; an invalid one exits 2", async () => {
    const room = uniqueName("dup");
    await alice.ok(["create", room]);
    const taken = await bob.run(["create", room]);
    expect(taken.code).toBe(6);
    expect((await alice.run(["create", "no/slash"])).code).toBe(2);
  });
});

describe("chat edit and editroom", () => {
  test("edit changes settings; editroom takes words; nothing to change exits 2", async () => {
    const room = uniqueName("ed");
    await alice.ok(["create", room]);
    const edited = jsonLines(
      await alice.ok(["edit", room, "--closed", "--hidden", "--topic", "T", "--json"]),
    );
    expect(edited[0]).toMatchObject({ open: false, visible: false, topic: "T" });
    const words = jsonLines(await alice.ok(["editroom", room, "yes", "1", "--json"]));
    expect(words[0]).toMatchObject({ open: true, visible: true, topic: "T" });
    const none = await alice.run(["edit", room]);
    expect(none.code).toBe(2);
    expect((await alice.run(["edit", room, "--open", "--closed"])).code).toBe(2);
  });

  test("a non-admin's edit exits 5", async () => {
    const room = uniqueName("ed");
    await alice.ok(["create", room]);
    await bob.ok(["join", room]);
    const result = await bob.run(["edit", room, "--closed"]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("admin");
  });
});

describe("chat rooms", () => {
  test("lists rooms in an aligned table, and as JSON lines", async () => {
    const room = uniqueName("ls");
    await alice.ok(["create", room, "--topic", "Listed"]);
    const table = await bob.ok(["rooms"]);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ROOM\s+ACCESS\s+VISIBILITY\s+ADMIN\s+MEMBERS\s+ROLE\s+TOPIC$/);
    const row = lines.find((l) => l.startsWith(`#${room} `)) ?? "";
    expect(row).toMatch(
      new RegExp(`^#${room}\\s+open\\s+visible\\s+${alice.name}\\s+1\\s+-\\s+Listed$`),
    );
    expect(row.indexOf(alice.name)).toBe(lines[0]?.indexOf("ADMIN") ?? -1);
    const json = jsonLines(await bob.ok(["rooms", "--json"]));
    expect(json.find((r) => r.name === room)).toEqual({
      name: room,
      open: true,
      visible: true,
      admin: alice.name,
      members: 1,
      role: null,
      topic: "Listed",
    });
  });

  test("--json gives the rooms one is in their unread and mention counts", async () => {
    const room = uniqueName("un");
    await alice.ok(["create", room]);
    await bob.ok(["join", room]);
    await alice.ok(["send", room, "first"]);
    await alice.ok(["send", room, `${bob.name}: are you there?`]);
    const mine = jsonLines(await bob.ok(["rooms", "--json"])).find((r) => r.name === room);
    expect(mine).toMatchObject({ name: room, role: "member", unread: 2, mentions: 1 });
    await bob.ok(["read", room]);
    const after = jsonLines(await bob.ok(["rooms", "--json"])).find((r) => r.name === room);
    expect(after).toMatchObject({ unread: 0, mentions: 0 });
    // A room one is not in carries no counts.
    const other = uniqueName("un");
    await alice.ok(["create", other]);
    const theirs = jsonLines(await bob.ok(["rooms", "--json"])).find((r) => r.name === other);
    expect(theirs).toBeDefined();
    expect(theirs).not.toHaveProperty("unread");
  });

  test("a hidden room is not listed to others, and is not_found (exit 3) to them", async () => {
    const room = uniqueName("hid");
    await alice.ok(["create", room, "--hidden"]);
    const json = jsonLines(await bob.ok(["rooms", "--json"]));
    expect(json.some((r) => r.name === room)).toBe(false);
    expect((await bob.run(["history", room])).code).toBe(3);
    expect((await bob.run(["who", room])).code).toBe(3);
  });
});

describe("chat join, requests, approve, deny, leave, kick", () => {
  test("join an open room prints joined; --json gives the join shape", async () => {
    const room = uniqueName("open");
    await alice.ok(["create", room]);
    expect(jsonLines(await bob.ok(["join", room, "--json"]))).toEqual([{ room, status: "joined" }]);
    // Joining again is no error: exit 0, status already.
    const again = await bob.run(["join", room, "--json"]);
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout)).toEqual([{ room, status: "already" }]);
    expect(await bob.ok(["join", room])).toBe(`already a member of #${room}\n`);
    // A request still pending is refused as before (6).
    const closed = uniqueName("cl");
    await alice.ok(["create", closed, "--closed"]);
    await bob.ok(["join", closed]);
    expect((await bob.run(["join", closed])).code).toBe(6);
  });

  test("a closed room files a request that the admin lists and approves", async () => {
    const room = uniqueName("closed");
    await alice.ok(["create", room, "--closed"]);
    const carol = await registerUser(run.server.url, "carol");
    expect(await carol.ok(["join", room])).toContain("asked to join");
    expect(jsonLines(await bob.ok(["join", room, "--json"]))).toEqual([
      { room, status: "pending" },
    ]);
    const table = await alice.ok(["requests", room]);
    expect(table).toMatch(/^ROOM\s+USER\n/);
    expect(table).toContain(`#${room}  ${carol.name}`);
    const json = jsonLines(await alice.ok(["requests", "--json"]));
    expect(json).toContainEqual({ room, user: carol.name });
    expect(json).toContainEqual({ room, user: bob.name });
    expect((await bob.run(["approve", room, carol.name])).code).toBe(5);
    expect(await alice.ok(["approve", room, carol.name])).toBe(
      `approved ${carol.name} in #${room}\n`,
    );
    expect(jsonLines(await alice.ok(["deny", room, bob.name, "--json"]))).toEqual([
      { room, user: bob.name, status: "denied" },
    ]);
    expect(jsonLines(await alice.ok(["requests", room, "--json"]))).toEqual([]);
    expect(await alice.ok(["requests", room])).toBe("no pending requests\n");
    const members = jsonLines(await alice.ok(["who", room, "--json"])).map((w) => w.user);
    expect(members.sort()).toEqual([alice.name, carol.name].sort());
  });

  test("leave and kick take members out; a missing room or user is not_found (exit 3)", async () => {
    const room = uniqueName("lk");
    await alice.ok(["create", room]);
    await bob.ok(["join", room]);
    expect(await bob.ok(["leave", room])).toBe(`left #${room}\n`);
    expect((await bob.run(["send", room, "hi"])).code).toBe(5);
    await bob.ok(["join", room]);
    expect(jsonLines(await alice.ok(["kick", room, bob.name, "--json"]))).toEqual([
      { room, user: bob.name, status: "kicked" },
    ]);
    expect((await bob.run(["send", room, "hi"])).code).toBe(5);
    expect((await bob.run(["leave", uniqueName("x")])).code).toBe(3);
    expect((await alice.run(["approve", room, uniqueName("nobody")])).code).toBe(3);
  });

  test("the admin cannot leave while others remain (exit 5)", async () => {
    const room = uniqueName("adm");
    await alice.ok(["create", room]);
    await bob.ok(["join", room]);
    const result = await alice.run(["leave", room]);
    expect(result.code).toBe(5);
    // The advice fits the admin (not "ask its admin").
    expect(result.stderr).toContain("kick the others first, or `chat shutdown <room>`");
    const outsider = await bob.run(["edit", room, "--topic", "mine"]);
    expect(outsider.code).toBe(5);
    expect(outsider.stderr).toContain("only the room's admin may do this");
  });
});

describe("chat shutdown", () => {
  test("needs --yes without a terminal, then archives the room", async () => {
    const room = uniqueName("sd");
    await alice.ok(["create", room]);
    const asked = await alice.run(["shutdown", room]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain("--yes");
    expect((await bob.run(["shutdown", room, "--yes"])).code).toBe(5);
    expect(jsonLines(await alice.ok(["shutdown", room, "--yes", "--json"]))).toEqual([
      { room, status: "shutdown" },
    ]);
    const listed = jsonLines(await alice.ok(["rooms", "--json"]));
    expect(listed.some((r) => r.name === room)).toBe(false);
    expect((await bob.run(["join", room])).code).not.toBe(0);
    expect((await alice.run(["create", room])).code).toBe(6);
  });
});

describe("chat who", () => {
  test("a room's members with status and typing, as a table and as JSON", async () => {
    const room = uniqueName("who");
    await alice.ok(["create", room]);
    await bob.ok(["join", room]);
    const table = await alice.ok(["who", room]);
    expect(table.split("\n")[0]).toMatch(/^USER\s+STATUS\s+TYPING$/);
    expect(table).toMatch(new RegExp(`${bob.name}\\s+offline`));
    const json = jsonLines(await alice.ok(["who", room, "--json"]));
    expect(json).toContainEqual({ user: bob.name, status: "offline", typing: false });
    const all = jsonLines(await alice.ok(["who", "--json"]));
    expect(all.map((w) => w.user)).toContain(bob.name);
  });

  test("a room that does not exist exits 3", async () => {
    const result = await alice.run(["who", uniqueName("none")]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("chat rooms");
  });
});
