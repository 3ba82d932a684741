/**
 * A seeded generator of hostile client frames, and the invariants a parsed frame must hold.
 *
 * The same seed always gives the same frames, so a failure found by `scripts/fuzz.ts` or by a
 * test can be replayed. Frames are built as JSON text by hand (hostile-values.ts) so that
 * duplicate keys and own `__proto__` keys reach the server as written. The recipes live beside
 * it: valid frames (valid-frames.ts), frames made hostile field by field (mutations.ts) and
 * frames broken below the fields (broken-frames.ts); the frame shapes and the check of a parse
 * are in shapes.ts, re-exported here with the PRNG.
 */
import { binary, deep, huge, malformed, notObject, surrogates } from "./broken-frames.ts";
import { entriesToJson } from "./hostile-values.ts";
import { badType, controlChars, extraFields, mutateMany, mutateOne } from "./mutations.ts";
import { Dice, mulberry32 } from "./prng.ts";
import { type FuzzContext, randomType, validFrame } from "./valid-frames.ts";

export { mulberry32 } from "./prng.ts";
export { checkClientMessage, CLIENT_TYPES } from "./shapes.ts";
export type { FuzzContext } from "./valid-frames.ts";

/** One frame to put on the wire. `label` names the recipe that made it (for statistics). */
export type Frame =
  | { kind: "text"; data: string; label: string }
  | { kind: "binary"; data: Uint8Array; label: string };

/** The generator of hostile frames. */
export class FrameGenerator {
  readonly #dice: Dice;
  #ctx: FuzzContext;

  constructor(seed: number, ctx?: Partial<FuzzContext>) {
    this.#dice = new Dice(mulberry32(seed));
    this.#ctx = { rooms: ["lobby"], users: ["alice"], messageIds: [], ...ctx };
  }

  /** Change the names the generator draws from (rooms, users, message ids seen so far). */
  setContext(ctx: Partial<FuzzContext>): void {
    this.#ctx = { ...this.#ctx, ...ctx };
  }

  /** The next frame. */
  next(): Frame {
    const d = this.#dice;
    const ctx = this.#ctx;
    const text = (label: string, data: string): Frame => ({ kind: "text", data, label });
    const recipes: [number, () => Frame][] = [
      [10, () => text("valid", entriesToJson(validFrame(d, ctx, randomType(d))))],
      [30, () => text("mutated-field", entriesToJson(mutateOne(d, ctx)))],
      [8, () => text("mutated-many", entriesToJson(mutateMany(d, ctx)))],
      [8, () => text("extra-fields", entriesToJson(extraFields(d, ctx)))],
      [6, () => text("bad-type", entriesToJson(badType(d, ctx)))],
      [10, () => text("malformed-json", malformed(d, ctx))],
      [4, () => text("not-an-object", notObject(d))],
      [4, () => text("deep-nesting", deep(d))],
      [5, () => text("huge", huge(d, ctx))],
      [6, () => ({ kind: "binary", data: binary(d, ctx), label: "binary" })],
      [5, () => text("control-chars", entriesToJson(controlChars(d, ctx)))],
      [4, () => text("lone-surrogates", surrogates(d, ctx))],
    ];
    const total = recipes.reduce((sum, [w]) => sum + w, 0);
    let pick = d.rand() * total;
    for (const [weight, make] of recipes) {
      pick -= weight;
      if (pick < 0) return make();
    }
    return (recipes[0] as [number, () => Frame])[1]();
  }
}

/** The text of a frame as the server would decode it (binary frames as UTF-8, lossy). */
export function frameText(frame: Frame): string {
  return frame.kind === "text" ? frame.data : new TextDecoder().decode(frame.data);
}
