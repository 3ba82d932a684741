/**
 * Admission: who may connect and stay connected. Counts sockets per address (waiting to log
 * in, and logged in) and per user, answers HTTP 429 past the waiting cap, enforces the login
 * deadline and the connection quotas (SPEC 6).
 */
import { ChatError } from "../shared/errors.ts";
import type { Logger } from "./domain/types.ts";
import { CLOSE_CODES } from "./sockets.ts";
import type { Socket } from "./sockets.ts";

/** The bounds of admission; a quota of 0 is no quota. */
export interface AdmissionLimits {
  /** Connections of one address not authenticated yet; past it, upgrades get HTTP 429. */
  maxWaitingPerAddress: number;
  /** Authenticated connections of one user. */
  maxConnectionsPerUser: number;
  /** Authenticated connections from one address. */
  maxConnectionsPerAddress: number;
  /** A connection not authenticated this long after opening (or being unbound) is closed (4408). */
  authDeadlineMs: number;
}

/** Connection counts of the other instances of a cluster (the quotas hold for all of them). */
export interface SharedCounts {
  /** What the other instances hold of `key` (a user or an address). */
  remote(kind: "user" | "address", key: string): number;
  /** This instance holds `count` connections of `key` now. */
  changed(kind: "user" | "address", key: string, count: number): void;
}

// A refused login past a quota may succeed once another connection closes; clients that
// retry on their own (`chat listen`) wait this long.
const QUOTA_RETRY_MS = 10_000;

/** Counts by key; a key at zero is removed, so the maps hold only live sockets. */
class Counts {
  #counts = new Map<string, number>();

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string, delta: 1 | -1): number {
    const n = this.get(key) + delta;
    if (n > 0) this.#counts.set(key, n);
    else this.#counts.delete(key);
    return n;
  }
}

/** The front door's per-address and per-user counts, deadline and quotas. */
export class Admission {
  #limits: AdmissionLimits;
  #log: Logger;
  #shared: SharedCounts | null;
  #waiting = new Counts();
  #byAddress = new Counts();
  #byUser = new Counts();
  // Addresses refused since they last went under the waiting cap: logged once per spell.
  #refused = new Set<string>();

  /** Admission with `limits`, logging to `log`; `shared` adds the other instances' counts. */
  constructor(limits: AdmissionLimits, log: Logger, shared: SharedCounts | null = null) {
    this.#limits = limits;
    this.#log = log;
    this.#shared = shared;
  }

  /** An HTTP 429 answer when `address` has too many connections waiting to log in, else null. */
  refuseUpgrade(address: string): Response | null {
    const max = this.#limits.maxWaitingPerAddress;
    if (max === 0 || this.#waiting.get(address) < max) return null;
    if (!this.#refused.has(address)) this.#log.info("refused_connections", { address });
    this.#refused.add(address);
    return new Response("too many connections waiting to log in from this address\n", {
      status: 429,
    });
  }

  /**
   * Throw rate_limited when binding one more connection from `address` to `user` (null: not
   * known yet) would pass a connection quota.
   */
  checkQuota(address: string, user: string | null): void {
    const { maxConnectionsPerUser: perUser, maxConnectionsPerAddress: perAddress } = this.#limits;
    const held = (kind: "user" | "address", key: string, local: Counts): number =>
      local.get(key) + (this.#shared?.remote(kind, key) ?? 0);
    if (user !== null && perUser > 0 && held("user", user, this.#byUser) >= perUser) {
      const text = `'${user}' already has ${perUser} connections, the most allowed; close one`;
      throw new ChatError("rate_limited", text, QUOTA_RETRY_MS);
    }
    if (perAddress > 0 && held("address", address, this.#byAddress) >= perAddress) {
      const text = `this address already has ${perAddress} logged-in connections, the most allowed`;
      throw new ChatError("rate_limited", text, QUOTA_RETRY_MS);
    }
  }

  /**
   * Bring a socket's counts and login deadline in line with what it is now: waiting to log
   * in (counted per address, deadline armed), bound to a user (counted per user and address),
   * or closed (counted nowhere). Called on open, on every bind and unbind, and on close.
   */
  update(ws: Socket): void {
    const d = ws.data;
    const conn = d.conn;
    const isOpen = conn !== null && conn.isOpen;
    const user = isOpen ? conn.user : null;
    if (d.countedAs !== user) {
      if (d.countedAs !== null) this.#count(d.address, d.countedAs, -1);
      if (user !== null) this.#count(d.address, user, 1);
      d.countedAs = user;
    }
    const isWaiting = isOpen && user === null;
    if (isWaiting === (d.authTimer !== null)) return;
    if (isWaiting) this.#startWaiting(ws);
    else this.#stopWaiting(ws);
  }

  #count(address: string, user: string, delta: 1 | -1): void {
    const byUser = this.#byUser.add(user, delta);
    const byAddress = this.#byAddress.add(address, delta);
    this.#shared?.changed("user", user, byUser);
    this.#shared?.changed("address", address, byAddress);
  }

  #startWaiting(ws: Socket): void {
    const d = ws.data;
    this.#waiting.add(d.address, 1);
    d.authTimer = setTimeout(() => {
      this.#log.info("auth_timeout", { conn: d.id, address: d.address });
      ws.close(CLOSE_CODES.authTimeout, "not authenticated in time");
    }, this.#limits.authDeadlineMs);
  }

  #stopWaiting(ws: Socket): void {
    const d = ws.data;
    clearTimeout(d.authTimer!);
    d.authTimer = null;
    const left = this.#waiting.add(d.address, -1);
    if (left < this.#limits.maxWaitingPerAddress) this.#refused.delete(d.address);
  }
}
