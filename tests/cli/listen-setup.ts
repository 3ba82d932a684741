/**
 * What the `chat listen` test files share: alice and bob on the file's server, a room they
 * share, and listeners stopped by the teardown.
 */
import { beforeAll } from "bun:test";
import type { ServerHarness } from "../helpers/use-server.ts";
import { type Listening, registerUsers, uniqueName, type User } from "./helpers.ts";

// Live bindings: assigned before each file's first test, for that file's server, and read by
// its tests as plain names.
/** alice, registered on the file's server before its first test (see useAliceAndBob). */
export let alice: User;
/** bob, registered beside alice. */
export let bob: User;

/** Register alice and bob on the file's server before its first test. */
export function useAliceAndBob(run: ServerHarness): void {
  beforeAll(async () => {
    [alice, bob] = await registerUsers(run.server.url, "alice", "bob");
  });
}

/** `listen(user, args)`: `chat listen` as `user`, stopped by `run`'s teardown. */
export function listenWith(run: ServerHarness) {
  return async (user: User, args: string[] = []): Promise<Listening> => {
    const l = await user.listen(args);
    run.track(l);
    return l;
  };
}

/** A fresh room alice created and bob joined. */
export async function sharedRoom(): Promise<string> {
  const room = uniqueName("ln");
  await alice.ok(["create", room]);
  await bob.ok(["join", room]);
  return room;
}
