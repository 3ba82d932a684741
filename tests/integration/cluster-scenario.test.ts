/**
 * The chat through a balancer in front of two instances, as its users meet it: every
 * `chat` command lands on whichever instance the balancer picks (round robin), and the
 * whole story holds as on one server; a rolling restart of every instance keeps a
 * listener's stream whole.
 */
import { describe, expect, test } from "bun:test";
import { useCluster } from "../helpers/cluster.ts";
import type { TestServer } from "../helpers/server.ts";
import { jsonLines, User } from "../cli/helpers.ts";

const cluster = useCluster({ timeoutMs: 90_000 });
const servers = cluster.servers;

/** Two instances behind HAProxy; users reach them only through the balancer. */
async function balanced(): Promise<{ instances: TestServer[]; args: string[] }> {
  // The balancer names each client in X-Forwarded-For.
  const trusting = ["--trusted-proxy", "127.0.0.1"];
  const instances = await cluster.instances(2, ...trusting);
  await cluster.balance(instances);
  return { instances, args: cluster.args(...trusting) };
}

/** A user of the balancer, registered. */
async function member(name: string): Promise<User> {
  const user = new User(cluster.balancer.url, name);
  await user.ok(["register", name, "--password-stdin"], { stdin: "password1\n" });
  return user;
}

describe("the chat through a balancer over two instances", () => {
  test("rooms, a join request approved, messages, history and DMs, each command on either instance", async () => {
    await balanced();
    const alice = await member("alice");
    const bob = await member("bob");
    await alice.ok(["create", "ops", "--closed", "--topic", "on call"]);
    expect(JSON.parse(await bob.ok(["join", "ops", "--json"]))).toEqual({
      room: "ops",
      status: "pending",
    });
    const requests = jsonLines(await alice.ok(["requests", "--json"]));
    expect(requests).toEqual([{ room: "ops", user: "bob" }]);
    await alice.ok(["approve", "ops", "bob"]);
    const rooms = jsonLines(await bob.ok(["rooms", "--json"]));
    expect(rooms.find((r) => r.name === "ops")?.role).toBe("member");
    for (const text of ["first", "second", "third"]) await bob.ok(["send", "ops", text]);
    await alice.ok(["dm", "bob", "thanks"]);
    const history = jsonLines(await alice.ok(["history", "ops", "--json"]));
    expect(history.map((m) => m.text)).toEqual(["first", "second", "third"]);
    const dms = jsonLines(await bob.ok(["history", "@alice", "--json"]));
    expect(dms.map((m) => m.text)).toEqual(["thanks"]);
    await alice.ok(["kick", "ops", "bob"]);
    const refused = await bob.run(["send", "ops", "still here?"]);
    expect(refused.code).toBe(5);
  });

  test("a rolling restart of every instance: a listener keeps its stream without a gap", async () => {
    const { instances, args } = await balanced();
    const alice = await member("alice");
    const bob = await member("bob");
    await alice.ok(["create", "lobby"]);
    await bob.ok(["join", "lobby"]);
    const listening = await bob.listen(["--json"]);
    servers.trackProcess(listening.proc);
    const sent: string[] = [];
    const say = async (text: string) => {
      const result = await alice.run(["send", "lobby", text]);
      if (result.code === 0) sent.push(text);
    };
    await say("before");
    for (const [i, instance] of instances.entries()) {
      await instance.stop();
      await say(`while ${i} is down`);
      instances[i] = await servers.restart(instance, { args });
      await cluster.balancer.waitUntilUp(2);
      await say(`after ${i} is back`);
    }
    expect(sent.length).toBe(5);
    await listening.waitUntil(
      () => listening.lines.some((l) => l.includes(`"after 1 is back"`)),
      "the last message",
    );
    const heard = jsonLines(listening.lines.join("\n"))
      .filter((f) => f.type === "message")
      .map((f) => f.text);
    expect(heard).toEqual(sent);
  });
});
