import { describe, expect, test } from "bun:test";
import { eventJson, whoJson } from "../../client/json.ts";
import { makeColors, renderEvent, renderStored, renderWho } from "../../client/render.ts";

const plain = makeColors(false);
const ts = "2026-11-25T12:00:00.000Z";
const base = { id: "m1", room: "lobby", from: "alice", text: "waves", ts };

describe("Actions, edits and deletions as people read them", () => {
  test("an action reads `* alice waves`; an edit is marked; a deletion shows no text", () => {
    expect(renderStored({ ...base, action: true }, plain)).toEndWith("#lobby * alice waves");
    expect(renderStored({ ...base, text: "hi", edited: ts }, plain)).toEndWith(
      "#lobby alice: hi (edited)",
    );
    const gone = renderStored({ ...base, text: "", edited: ts, deleted: true }, plain);
    expect(gone).toEndWith("#lobby alice: (deleted)");
    const dm = { id: "d1", from: "alice", to: "bob", text: "nods", ts, action: true as const };
    expect(renderStored(dm, plain)).toEndWith("[dm] * alice -> bob nods");
  });

  test("listen's lines for updates, invites, bans and away messages, all through the funnel", () => {
    const line = (e: Record<string, unknown>) => renderEvent(e as { type: string }, plain);
    expect(line({ type: "message_update", ...base, text: "fixed", edited: ts })).toEndWith(
      "alice: fixed (edited)",
    );
    expect(line({ type: "invite", room: "den", from: "alice" })).toBe(
      "* alice invites you to #den (chat join den)",
    );
    expect(line({ type: "member", room: "den", user: "bob", event: "banned" })).toBe(
      "* bob was banned from #den",
    );
    expect(line({ type: "presence", user: "bob", status: "idle", away: "at\u001b[2J lunch" })).toBe(
      "* bob is idle (away: at lunch)",
    );
  });

  test("--json: the marks appear only when set; updates keep their type; away in who", () => {
    const update = { type: "message_update", ...base, edited: ts, deleted: true, seq: "1" };
    expect(eventJson(update)).toMatchObject({
      type: "message_update",
      id: "m1",
      edited: ts,
      deleted: true,
    });
    expect(eventJson({ type: "message", ...base })).not.toHaveProperty("edited");
    expect(eventJson({ type: "message", ...base, action: true })).toMatchObject({ action: true });
    expect(eventJson({ type: "presence", user: "b", status: "online", away: "x\u0007" })).toEqual({
      type: "presence",
      user: "b",
      status: "online",
      away: "x",
    });
    expect(whoJson({ user: "b", status: "online", typing: false, away: "out" })).toEqual({
      user: "b",
      status: "online",
      typing: false,
      away: "out",
    });
    const table = renderWho([{ user: "b", status: "online", typing: false, away: "out" }], plain);
    expect(table.split("\n")).toEqual(["USER  STATUS  TYPING  AWAY", "b     online          out"]);
  });
});
