import { describe, expect, test } from "bun:test";
import { clackDialogs } from "../../client/interactive/dialogs.ts";
import { FakeTerminal, KEY, tick } from "./interactive-terminal.ts";

async function answer<T>(term: FakeTerminal, pending: Promise<T>, keys: string): Promise<T> {
  await tick();
  await term.type(keys);
  return pending;
}

describe("dialogs", () => {
  test("a select answers the chosen value", async () => {
    const term = new FakeTerminal(60, 20);
    const d = clackDialogs(term);
    const choice = d.select("Which room?", [
      { value: "lobby", label: "#lobby" },
      { value: "dev", label: "#dev" },
    ]);
    expect(await answer(term, choice, KEY.down + KEY.enter)).toBe("dev");
    expect(term.text()).toContain("Which room?");
  });

  test("a password is masked on screen", async () => {
    const term = new FakeTerminal(60, 20);
    const d = clackDialogs(term);
    const secret = d.password("Password");
    expect(await answer(term, secret, `hunter22${KEY.enter}`)).toBe("hunter22");
    expect(term.raw).not.toContain("hunter22");
  });

  test("Esc cancels a dialog as null", async () => {
    const term = new FakeTerminal(60, 20);
    const d = clackDialogs(term);
    expect(await answer(term, d.text("Room name"), "\x1b")).toBeNull();
  });

  test("Ctrl-D cancels a dialog as null, and the terminal is usable afterwards", async () => {
    const term = new FakeTerminal(60, 20);
    const d = clackDialogs(term);
    expect(await answer(term, d.text("Room name"), KEY.ctrlD)).toBeNull();
    expect(
      await answer(term, d.select("Open?", [{ value: "yes", label: "yes" }]), KEY.ctrlD),
    ).toBeNull();
    expect(await answer(term, d.text("Topic"), `news${KEY.enter}`)).toBe("news");
  });
});
