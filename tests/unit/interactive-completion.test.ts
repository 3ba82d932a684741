import { describe, expect, test } from "bun:test";
import { ChatTable } from "../../client/interactive/chat-table.ts";
import { complete } from "../../client/interactive/completion.ts";

const table = new ChatTable();
const source = {
  commands: ["join", "leave", "dm", "history", "approve", "who", "rooms", "quit", "help"],
  usage: (name: string) => table.usageOf(name),
  rooms: ["lobby", "dev", "design"],
  users: ["alice", "bob", "bert"],
};

describe("completion", () => {
  test("a slash and a prefix complete a command name", () => {
    expect(complete("/jo", source)).toEqual([["/join "], "/jo"]);
    expect(complete("/", source)[0]).toContain("/quit");
    expect(complete("/h", source)).toEqual([["/help", "/history"], "/h"]);
  });

  test("the room argument of /join completes room names", () => {
    expect(complete("/join de", source)).toEqual([["design", "dev"], "de"]);
    expect(complete("/join l", source)).toEqual([["lobby "], "l"]);
  });

  test("/dm completes user names, then mentions in its text", () => {
    expect(complete("/dm b", source)).toEqual([["bert", "bob"], "b"]);
    expect(complete("/dm bob hi al", source)).toEqual([["alice "], "al"]);
  });

  test("/approve takes a room, then a user", () => {
    expect(complete("/approve d", source)).toEqual([["design", "dev"], "d"]);
    expect(complete("/approve dev a", source)).toEqual([["alice "], "a"]);
  });

  test("/history completes rooms and @users", () => {
    expect(complete("/history @a", source)).toEqual([["@alice "], "@a"]);
    expect(complete("/history lo", source)).toEqual([["lobby "], "lo"]);
  });

  test("plain text completes user names for mentions, #rooms and @users anywhere", () => {
    expect(complete("thanks bo", source)).toEqual([["bob "], "bo"]);
    expect(complete("see #lo", source)).toEqual([["#lobby "], "#lo"]);
    expect(complete("ping @be", source)).toEqual([["@bert "], "@be"]);
  });

  test("nothing matching gives no candidates", () => {
    expect(complete("/zz", source)).toEqual([[], "/zz"]);
    expect(complete("/rooms x", source)).toEqual([[], "x"]);
  });
});
