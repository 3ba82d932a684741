import { describe, expect, test } from "bun:test";
import type { ChatMessage, DirectMessage, RoomInfo } from "../../shared/protocol.ts";
import {
  makeColors,
  renderEvent,
  renderRooms,
  renderStored,
  renderWho,
  type RenderableEvent,
} from "../../client/render.ts";
import {
  describeRoom,
  showDm,
  showError,
  showMessage,
  showNotice,
} from "../../client/interactive/display.ts";
import { buildPrompt } from "../../client/interactive/status.ts";
import { mulberry32 } from "../fuzz/frames.ts";
import { unsafeIn } from "../helpers/terminal-safety.ts";

// The colour codes the client itself writes (SGR), removed before the check when colour is on.
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

const PIECES = [
  "\x1b]52;c;ZXZpbA==\x07",
  "\x1b]0;title\x1b\\",
  "\x1b[2J",
  "\x1b[1A\x1b[2K",
  "\x9b31m",
  "\x9d0;t\x9c",
  "\x1b",
  "\x07",
  "\b\b",
  "\r",
  "\x00",
  "\u202e",
  "\u2066",
  "alice",
  "lobby",
  " ",
  "\n",
  "😀",
];

function hostile(rand: () => number): string {
  let s = "";
  const n = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

function unsafeOnScreen(text: string, isColored: boolean): string[] {
  return unsafeIn(isColored ? text.replace(SGR, "") : text);
}

describe("Rendering hostile events", () => {
  for (const isColored of [false, true]) {
    test(`every renderer strips terminal controls from every field (colour ${isColored ? "on" : "off"})`, () => {
      const rand = mulberry32(isColored ? 2 : 1);
      const c = makeColors(isColored);
      const bad: string[] = [];
      const check = (what: string, out: string | null) => {
        if (out !== null && unsafeOnScreen(out, isColored).length > 0)
          bad.push(`${what}: ${JSON.stringify(out)}`);
      };
      for (let i = 0; i < 500; i++) {
        const h = () => hostile(rand);
        const msg: ChatMessage = { id: h(), room: h(), from: h(), text: h(), ts: h() };
        const dm: DirectMessage = { id: h(), from: h(), to: h(), text: h(), ts: h() };
        const room: RoomInfo = {
          name: h(),
          open: true,
          visible: false,
          admin: h(),
          members: 2,
          role: "member",
          topic: h(),
        };
        const events: RenderableEvent[] = [
          { type: "message", ...msg },
          { type: "dm", ...dm },
          { type: "presence", user: h(), status: h() },
          { type: "typing", room: h(), user: h(), typing: true },
          { type: "join_request", room: h(), user: h() },
          { type: "join_decision", room: h(), approved: false },
          { type: "room_update", room },
          { type: "member", room: h(), user: h(), event: h() },
          { type: "room_shutdown", room: h() },
          { type: "error", code: "forbidden", message: h() },
          { type: h(), payload: h() },
        ];
        for (const e of events) check(`renderEvent ${e.type}`, renderEvent(e, c));
        check("renderStored", renderStored(msg, c));
        check("renderStored dm", renderStored(dm, c));
        check("renderRooms", renderRooms([room], c));
        check("renderWho", renderWho([{ user: h(), status: "online", typing: true }], c));
        const view = { me: "alice", room: "lobby", colors: c };
        check("showMessage", showMessage(msg, view).text);
        check("showDm", showDm(dm, view).text);
        check("showNotice", showNotice(h(), c).text);
        check("showError", showError(h(), c).text);
        check("describeRoom", describeRoom(room));
        check(
          "buildPrompt",
          buildPrompt({ room: h(), typing: [h(), h()], connection: "reconnecting" }, c),
        );
      }
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }

  test("events whose fields have the wrong JSON types render without throwing", () => {
    const c = makeColors(false);
    const odd = [null, 1, true, { a: "\x1b[2J" }, ["\x07"], undefined];
    for (const type of ["message", "dm", "presence", "typing", "member", "room_update", "error"]) {
      for (const value of odd) {
        const e = {
          type,
          id: value,
          room: value,
          from: value,
          to: value,
          text: value,
          ts: value,
          user: value,
          status: value,
          message: value,
          event: value,
        } as RenderableEvent;
        const out = renderEvent(e, c);
        if (out !== null) expect(unsafeOnScreen(out, false)).toEqual([]);
      }
    }
  });
});
