/**
 * Runs state changes one at a time per key (a room, a user). A change reads the state, commits
 * the new records and only then applies them, so a later change of the same record must wait
 * for the earlier one to finish, or it would compute from the old record and undo it.
 *
 * In a cluster the other instances change the same records meanwhile: a change carries the
 * keys it ran under and the log position its checks read (see `checked`), the log refuses it
 * with StaleRead when another change of one of those keys came first, and the run is made
 * again on the state that now holds it (a few times, then `conflict`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { ChatError } from "../../shared/errors.ts";

/** The keys a running change holds and the log position its checks started from. */
export interface Checked {
  keys: readonly string[];
  at: number;
}

const CHECKED = new AsyncLocalStorage<Checked>();

/** How many times a change refused as stale is made again before `conflict`. */
const ATTEMPTS = 5;

/** The keys and position of the change running here (none outside `KeyedQueue.run`). */
export function checked(): Checked | undefined {
  return CHECKED.getStore();
}

/** A change checked against a state that another change of the same keys has moved since. */
export class StaleRead extends ChatError {
  /** Refused: `keys` changed after `at`. */
  constructor() {
    super("conflict", "another change was made at the same moment; try again");
  }
}

/** Changes run one at a time per key, made again when found stale (see above). */
export class KeyedQueue {
  #tails = new Map<string, Promise<unknown>>();
  #position: (() => number) | null;

  /**
   * A queue whose changes read the state as of `position()` (the log's): they carry their
   * keys and position to the log. Without it, runs only wait for each other.
   */
  constructor(position: (() => number) | null = null) {
    this.#position = position;
  }

  /**
   * Run `fn` once every earlier run sharing one of `keys` has settled, again when the log
   * finds it stale. `fn` must not itself call `run` with one of the same keys (it would wait
   * for itself). `reads` are keys of records `fn` checks without changing them: not waited
   * for, but a change of one of them elsewhere makes the run stale too.
   */
  run<T>(keys: readonly string[], fn: () => Promise<T>, reads: readonly string[] = []): Promise<T> {
    const prior: Promise<unknown>[] = [];
    for (const key of keys) {
      const tail = this.#tails.get(key);
      if (tail !== undefined) prior.push(tail);
    }
    const go = () => this.#attempt(reads.length > 0 ? [...keys, ...reads] : keys, fn);
    const result = prior.length === 0 ? go() : Promise.all(prior).then(go);
    const tail = result.then(
      () => {},
      () => {}, // the caller of `run` handles the failure; the next run goes ahead
    );
    for (const key of keys) this.#tails.set(key, tail);
    void tail.then(() => {
      for (const key of keys) if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  async #attempt<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const position = this.#position;
    if (position === null) return fn();
    const outer = CHECKED.getStore();
    for (let i = 1; ; i++) {
      // A nested run keeps the outer keys and the outer position: its checks began there.
      const scope: Checked = outer
        ? { keys: [...outer.keys, ...keys], at: outer.at }
        : { keys, at: position() };
      try {
        return await CHECKED.run(scope, fn);
      } catch (err) {
        if (!(err instanceof StaleRead) || i >= ATTEMPTS || outer) throw err;
      }
    }
  }
}

/** The queue key of a room's record. */
export function roomLock(room: string): string {
  return `room:${room}`;
}

/** The queue key of a user's record. */
export function userLock(user: string): string {
  return `user:${user}`;
}

/** The queue key of a user's sessions. */
export function sessionsLock(user: string): string {
  return `sessions:${user}`;
}

/** The queue key of a user's read markers: one marker move of a user at a time. */
export function readLock(user: string): string {
  return `read:${user}`;
}

/** The queue key of the changes of one conversation's messages (`key`: its history key). */
export function editLock(key: string): string {
  return `edits:${key}`;
}
