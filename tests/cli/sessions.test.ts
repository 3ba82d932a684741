import { describe, expect, test } from "bun:test";
import { jsonLines, PASSWORD, registerUser, User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

/** Another config folder logged in as the same user: a second device. */
async function secondDevice(user: User): Promise<User> {
  const device = new User(run.server.url, user.name);
  await device.ok(["login", user.name, "--password-stdin"], { stdin: `${PASSWORD}\n` });
  return device;
}

async function sessionsJson(user: User): Promise<Record<string, unknown>[]> {
  return jsonLines(await user.ok(["sessions", "--json"]));
}

describe("chat sessions and revoke", () => {
  test("sessions lists each device; --json gives one object per session", async () => {
    const alice = await registerUser(run.server.url, "ses");
    await secondDevice(alice);
    const list = await sessionsJson(alice);
    expect(list).toHaveLength(2);
    expect(Object.keys(list[0]!).sort()).toEqual(
      ["address", "client", "created", "current", "id", "lastUsed"].sort(),
    );
    expect(list.map((s) => s.current)).toEqual([true, false]);
    expect(String(list[0]!.client)).toStartWith("chat ");
    const table = await alice.ok(["sessions"]);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toContain("LAST USED");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toStartWith("*");
    expect(lines[1]).toContain(String(list[0]!.id));
    expect(lines[2]).toContain("127.0.0.1");
  });

  test("revoke <id> logs that device out (exit 4 there); an unknown id exits 3", async () => {
    const alice = await registerUser(run.server.url, "rev");
    const phone = await secondDevice(alice);
    const phoneId = String((await sessionsJson(alice)).find((s) => !s.current)!.id);
    expect(await alice.ok(["revoke", phoneId])).toBe(`revoked session ${phoneId}\n`);
    const refused = await phone.run(["whoami"]);
    expect(refused.code).toBe(4);
    const unknown = await alice.run(["revoke", phoneId]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("no session");
    expect(await sessionsJson(alice)).toHaveLength(1);
  });

  test("revoke --all-others keeps this session only; neither or both arguments exit 2", async () => {
    const alice = await registerUser(run.server.url, "all");
    const devices = [await secondDevice(alice), await secondDevice(alice)];
    expect(jsonLines(await alice.ok(["revoke", "--all-others", "--json"]))).toEqual([
      { revoked: 2 },
    ]);
    for (const d of devices) expect((await d.run(["whoami"])).code).toBe(4);
    expect(await alice.ok(["whoami"])).toBe(`${alice.name}\n`);
    for (const args of [["revoke"], ["revoke", "abc", "--all-others"]]) {
      const usage = await alice.run(args);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("--all-others");
    }
  });

  test("passwd logs out the other sessions; --keep-sessions keeps them", async () => {
    const alice = await registerUser(run.server.url, "pwk");
    const phone = await secondDevice(alice);
    const kept = await alice.ok(["passwd", "--password-stdin", "--keep-sessions"], {
      stdin: `${PASSWORD}\nsecond password\n`,
    });
    expect(kept).toBe("password changed; other sessions kept\n");
    expect(await phone.ok(["whoami"])).toBe(`${alice.name}\n`);
    const ended = await alice.ok(["passwd", "--password-stdin"], {
      stdin: "second password\nthird password\n",
    });
    expect(ended).toBe("password changed; other sessions logged out\n");
    expect((await phone.run(["whoami"])).code).toBe(4);
    expect(await alice.ok(["whoami"])).toBe(`${alice.name}\n`);
  });

  test("help lists sessions and revoke", async () => {
    const help = await new User(run.server.url, "x").ok(["help"]);
    expect(help).toMatch(/\n {2}sessions +list where your account is logged in/);
    expect(help).toMatch(/\n {2}revoke +log out one session/);
    expect(await new User(run.server.url, "x").ok(["help", "passwd"])).toContain("--keep-sessions");
  });
});
