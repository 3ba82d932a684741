/**
 * Which known names an unknown one may have been meant as. Only small typos of the same
 * length that keep the first letter (one letter changed, or two neighbours swapped) and
 * names that the typed word begins: `sned` finds `send`, but `nick` never finds `kick`
 * (another word with another meaning, one letter apart).
 */

/** The names in `known` that `typed` is a small typo or a prefix (2+ letters) of. */
export function suggestNames(typed: string, known: readonly string[]): string[] {
  const word = typed.toLowerCase();
  if (word === "") return [];
  return [...new Set(known)].filter(
    (name) => (word.length >= 2 && name.startsWith(word)) || isSmallTypo(word, name),
  );
}

function isSmallTypo(typed: string, name: string): boolean {
  if (typed.length !== name.length || typed === name || typed[0] !== name[0]) return false;
  const diffs: number[] = [];
  for (let i = 0; i < typed.length; i++) if (typed[i] !== name[i]) diffs.push(i);
  if (diffs.length === 1) return typed.length > 3;
  const [a = 0, b = 0] = diffs;
  return diffs.length === 2 && b === a + 1 && typed[a] === name[b] && typed[b] === name[a];
}
