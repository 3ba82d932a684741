/** Each user's authenticated connections, and the subscriptions held while one catches up. */
import type { Conn } from "./types.ts";

/**
 * The authenticated connections of each user, for subscribing them all at once. A connection
 * catching up (`auth`/`login` with `since`) has its subscriptions held aside until it has read
 * everything it missed: what is published meanwhile reaches it through the catch-up instead,
 * so nothing arrives twice or not at all.
 */
export class Connections {
  #byUser = new Map<string, Set<Conn>>();
  #held = new Map<Conn, Set<string>>();

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
    this.#held.delete(conn);
  }

  /** Hold the subscriptions of `conn` aside (it is catching up) until `release`. */
  hold(conn: Conn): void {
    this.#held.set(conn, new Set());
  }

  /** Whether `conn` is catching up (its subscriptions held). */
  isHeld(conn: Conn): boolean {
    return this.#held.has(conn);
  }

  /** Subscribe `conn` to every topic held for it, at once: its catch-up has ended. */
  release(conn: Conn): void {
    const topics = this.#held.get(conn);
    if (!topics) return;
    this.#held.delete(conn);
    for (const t of topics) conn.subscribe(t);
  }

  /** Subscribe one connection (held aside while it catches up). */
  subscribe(conn: Conn, topic: string): void {
    const held = this.#held.get(conn);
    if (held) held.add(topic);
    else conn.subscribe(topic);
  }

  /** Unsubscribe one connection (likewise). */
  unsubscribe(conn: Conn, topic: string): void {
    const held = this.#held.get(conn);
    if (held) held.delete(topic);
    else conn.unsubscribe(topic);
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
    for (const c of this.of(user)) this.subscribe(c, topic);
  }

  /** Unsubscribe every connection of `user` from `topic`. */
  unsubscribeUser(user: string, topic: string): void {
    for (const c of this.of(user)) this.unsubscribe(c, topic);
  }
}

const EMPTY: ReadonlySet<Conn> = new Set();
