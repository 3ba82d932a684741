/**
 * Runs state changes one at a time per key (a room, a user). A change reads the state, commits
 * the new records and only then applies them, so a later change of the same record must wait
 * for the earlier one to finish, or it would compute from the old record and undo it.
 */
export class KeyedQueue {
  #tails = new Map<string, Promise<unknown>>();

  /**
   * Run `fn` once every earlier run sharing one of `keys` has settled. `fn` must not itself
   * call `run` with one of the same keys (it would wait for itself).
   */
  run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const prior: Promise<unknown>[] = [];
    for (const key of keys) {
      const tail = this.#tails.get(key);
      if (tail !== undefined) prior.push(tail);
    }
    const result = prior.length === 0 ? fn() : Promise.all(prior).then(fn);
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
