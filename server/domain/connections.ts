import type { Conn } from "./types.ts";

/** The authenticated connections of each user, for subscribing them all at once. */
export class Connections {
  #byUser = new Map<string, Set<Conn>>();

  /** Register an authenticated connection under its user. */
  add(conn: Conn): void {
    if (conn.user === null) return;
    let set = this.#byUser.get(conn.user);
    if (!set) this.#byUser.set(conn.user, (set = new Set()));
    set.add(conn);
  }

  /** Forget a connection (closed, or logged out). */
  remove(conn: Conn, user: string): void {
    const set = this.#byUser.get(user);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.#byUser.delete(user);
  }

  /** The user's connections. */
  of(user: string): ReadonlySet<Conn> {
    return this.#byUser.get(user) ?? EMPTY;
  }

  /** True when the user has an interactive or listen connection. */
  hasLive(user: string): boolean {
    for (const c of this.of(user)) if (c.mode !== "oneshot") return true;
    return false;
  }

  /** Subscribe every connection of `user` to `topic`. */
  subscribeUser(user: string, topic: string): void {
    for (const c of this.of(user)) c.subscribe(topic);
  }

  /** Unsubscribe every connection of `user` from `topic`. */
  unsubscribeUser(user: string, topic: string): void {
    for (const c of this.of(user)) c.unsubscribe(topic);
  }
}

const EMPTY: ReadonlySet<Conn> = new Set();
