/**
 * Lists of the store's snapshot changed in O(1) on average: each list touched is located
 * through an index of positions kept beside it, so a list given to these functions must from
 * then on be changed by them only. Removing moves the last item into the gap.
 */

/** Records keyed by name. */
export const byName = (x: { name: string }): string => x.name;
/** Sessions keyed by token hash. */
export const byTokenHash = (x: { tokenHash: string }): string => x.tokenHash;
/** Names keyed by themselves. */
export const itself = (x: string): string => x;

/** Where each item of a list is, by key, and the list's length when that was true. */
interface Positions {
  at: Map<string, number>;
  length: number;
}

/** Positions of the lists applyOp has touched; a list that is dropped takes its entry along. */
const POSITIONS = new WeakMap<unknown[], Positions>();

/**
 * The positions of `list`, (re)built when missing or plainly out of date (another length). A
 * list holding one key twice (a hand-edited file) keeps only the last, as upserts would have.
 */
function positions<T>(list: T[], keyOf: (x: T) => string): Positions {
  let p = POSITIONS.get(list);
  if (p && p.length === list.length) return p;
  const at = new Map<string, number>();
  for (let i = 0; i < list.length; i++) at.set(keyOf(list[i]!), i);
  if (at.size !== list.length) {
    const kept = list.filter((x, i) => at.get(keyOf(x)) === i);
    list.length = 0;
    for (const x of kept) list.push(x);
    at.clear();
    for (let i = 0; i < list.length; i++) at.set(keyOf(list[i]!), i);
  }
  p = { at, length: list.length };
  POSITIONS.set(list, p);
  return p;
}

/** The index of the item with `key` in `list`, or -1; O(1) on average. */
export function locate<T>(list: T[], key: string, keyOf: (x: T) => string): number {
  const i = positions(list, keyOf).at.get(key);
  if (i === undefined) return -1;
  if (i < list.length && keyOf(list[i]!) === key) return i;
  POSITIONS.delete(list); // changed behind applyOp's back: start again
  return positions(list, keyOf).at.get(key) ?? -1;
}

/** Append `item` to `list`, recording its position. */
export function append<T>(list: T[], item: T, keyOf: (x: T) => string): void {
  const p = positions(list, keyOf);
  p.at.set(keyOf(item), list.length);
  list.push(item);
  p.length = list.length;
}

/** Replace the item with the same key, or append it. */
export function upsert<T>(list: T[], item: T, keyOf: (x: T) => string): void {
  const i = locate(list, keyOf(item), keyOf);
  if (i >= 0) list[i] = item;
  else append(list, item, keyOf);
}

/** Remove the item with `key` (if any) by moving the last item into its place. */
export function remove<T>(list: T[], key: string, keyOf: (x: T) => string): void {
  const i = locate(list, key, keyOf);
  if (i < 0) return;
  const p = positions(list, keyOf);
  const last = list.pop()!;
  if (i < list.length) {
    list[i] = last;
    p.at.set(keyOf(last), i);
  }
  p.at.delete(key);
  p.length = list.length;
}
