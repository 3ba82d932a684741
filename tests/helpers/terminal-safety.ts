/** What a terminal would act on, for the tests that check nothing of it reaches the screen. */

/** Everything a terminal could act on: C0 (but tab and newline), DEL, C1, bidi overrides. */
// eslint-disable-next-line no-control-regex
export const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** The code points (hex) in `text` that a terminal would act on; empty when it is safe. */
export function unsafeIn(text: string): string[] {
  return [...text].filter((ch) => UNSAFE.test(ch)).map((ch) => ch.codePointAt(0)!.toString(16));
}
