/**
 * Login sessions: created by register and login, resumed by token, listed and revoked by their
 * owner, bounded per user (the least recently used goes first) and expired after a time unused.
 *
 * "Last used" is stored at most once per LAST_USED_STEP_MS per session, so that authenticating
 * does not write a journal line each time: it is exact to that step, and expiry counts from it.
 */
import type { SessionInfo } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import type { SessionRecord, StoreOp } from "../store/store.ts";
import { sessionsLock, userLock } from "./serial.ts";
import type { KeyedQueue } from "./serial.ts";
import {
  ADDRESS_MAX,
  clientLabel,
  LAST_USED_STEP_MS,
  SWEEP_BATCH,
  SWEEP_EVERY_MS,
} from "./session-terms.ts";
import type { AlongWith, NewSession, SessionOptions } from "./session-terms.ts";
import type { Deps } from "./deps.ts";
import type { Conn, TimerHandle } from "./types.ts";

export { DEFAULT_SESSION_OPTIONS, LAST_USED_STEP_MS, SWEEP_EVERY_MS } from "./session-terms.ts";
export type { SessionOptions } from "./session-terms.ts";

/** The sessions of every user; every change goes through here, committed before applied. */
export class Sessions {
  #d: Deps;
  #opts: SessionOptions;
  #queue: KeyedQueue;
  #loadedAt: number;
  #sweepTimer: TimerHandle | null = null;
  /** Sessions whose end is being stored: a sweep does not end them twice. */
  #ending = new Set<string>();

  /** Sessions over the shared state (ending one ends its connections: see ChangeApplier). */
  constructor(deps: Deps, opts: SessionOptions, queue: KeyedQueue) {
    this.#d = deps;
    this.#opts = opts;
    this.#queue = queue;
    this.#loadedAt = deps.clock.now();
    const legacy: StoreOp[] = [];
    const since = new Date(this.#loadedAt).toISOString();
    for (const s of deps.state.sessions.values()) {
      if (Number.isFinite(Date.parse(s.lastUsed ?? ""))) continue;
      // Written by a version that did not record use: counted as used now, once, so that
      // an upgrade neither ends every old session at once nor keeps them forever.
      deps.state.sessions.set(s.tokenHash, { ...s, lastUsed: since });
      legacy.push({ op: "session_used", tokenHash: s.tokenHash, lastUsed: since });
    }
    for (let i = 0; i < legacy.length; i += SWEEP_BATCH) {
      void deps.changes.append(legacy.slice(i, i + SWEEP_BATCH)).catch(() => {
        // The store logged it; they are counted from the next start instead.
      });
    }
    this.#scheduleSweep();
  }

  /** A token and record for a new session of `user` (not stored yet: see `add`). */
  make(user: string, address: string, client: string | undefined): NewSession {
    const token = this.#d.crypto.newToken();
    const now = this.#iso();
    const session: SessionRecord = {
      tokenHash: this.#d.crypto.hashToken(token),
      user,
      created: now,
      id: this.#newId(user),
      lastUsed: now,
      client: clientLabel(client),
      address: address.slice(0, ADDRESS_MAX),
    };
    return { token, session };
  }

  /**
   * Store a new session of an existing user, with `along`'s ops in the same commit; beyond
   * the per-user maximum the least recently used sessions end in the same commit. `isValid`
   * is asked once no other change of the user's sessions runs (a password changed meanwhile
   * makes a login's check stale): false refuses the session with auth_failed.
   */
  async add(fresh: SessionRecord, along?: AlongWith, isValid = () => true): Promise<void> {
    const user = fresh.user;
    // The user's record is read (a password changed meanwhile ends this session too).
    const checks = [userLock(user)];
    await this.#queue.run(
      [sessionsLock(user)],
      async () => {
        if (!isValid()) throw new ChatError("auth_failed", "wrong user name or password");
        const evicted = this.#leastRecent(user, this.#count(user) + 1 - this.#opts.maxPerUser);
        await this.#d.changes.append([
          ...(along?.ops ?? []),
          { op: "session", session: fresh },
          ...evicted.map((h) => ({ op: "session_del" as const, tokenHash: h })),
        ]);
      },
      checks,
    );
  }

  /**
   * The live session of a token, or null: unknown, of a user that is gone, or expired (then it
   * is ended). A session in use has its "last used" stored at most once per step.
   */
  resume(token: string): SessionRecord | null {
    const hash = this.#d.crypto.hashToken(token);
    const session = this.#d.state.sessions.get(hash);
    if (!session || !this.#d.state.users.has(session.user)) return null;
    const now = this.#d.clock.now();
    if (now - this.#lastUsedMs(session) >= this.#opts.ttlMs) {
      if (this.#ending.has(hash)) return null;
      void this.end(session.user, [hash]).catch(() => {
        // The store logged it; the sweep tries again.
      });
      return null;
    }
    if (now - this.#lastUsedMs(session) >= LAST_USED_STEP_MS) this.#touch(session, now);
    return session;
  }

  /** The sessions of `user`, oldest first, `current` marking the caller's own. */
  list(user: string, currentHash: string | null): SessionInfo[] {
    return this.#records(user)
      .sort((a, b) => String(a.created).localeCompare(String(b.created)))
      .map((s) => ({
        id: this.idOf(s),
        // A hand-edited or very old record may lack it.
        created: typeof s.created === "string" ? s.created : "",
        lastUsed: s.lastUsed ?? s.created ?? "",
        client: s.client ?? "",
        address: s.address ?? "",
        current: s.tokenHash === currentHash,
      }));
  }

  /**
   * End one session of `user` by id, or (id null) every session but `currentHash`. Returns how
   * many ended; not_found for an id the user does not hold.
   */
  async revoke(user: string, id: string | null, cause: Conn): Promise<number> {
    const currentHash = cause.tokenHash;
    const records = this.#records(user);
    let hashes: string[];
    if (id === null) {
      hashes = records.filter((s) => s.tokenHash !== currentHash).map((s) => s.tokenHash);
    } else {
      const found = records.find((s) => this.idOf(s) === id);
      if (!found) throw new ChatError("not_found", `no session '${id}'; see \`sessions\``);
      hashes = [found.tokenHash];
    }
    return this.end(user, hashes, { cause });
  }

  /** The hashes of every session of `user` but `keepHash`. */
  othersOf(user: string, keepHash: string | null): string[] {
    return [...this.#d.state.sessionsOf(user)].filter((h) => h !== keepHash);
  }

  /**
   * End sessions of `user` (stored along with `along`); connections using them are told.
   * `which` may be a function, asked once no other change of the user's sessions runs.
   * Returns how many were ended.
   */
  async end(
    user: string,
    which: readonly string[] | (() => readonly string[]),
    along?: AlongWith,
  ): Promise<number> {
    let hashes: readonly string[] = [];
    try {
      return await this.#queue.run([sessionsLock(user)], async () => {
        hashes = typeof which === "function" ? which() : which;
        const extra = along?.ops ?? [];
        if (hashes.length === 0 && extra.length === 0) return 0;
        for (const h of hashes) this.#ending.add(h);
        const ops: StoreOp[] = hashes.map((h) => ({ op: "session_del", tokenHash: h }));
        const cause = along?.cause;
        await this.#d.changes.append([...extra, ...ops], cause ? { cause } : {});
        return hashes.length;
      });
    } finally {
      for (const h of hashes) this.#ending.delete(h);
    }
  }

  /** The id shown for a session: stored, or for older records derived from the token hash. */
  idOf(s: SessionRecord): string {
    return s.id ?? this.#d.crypto.hashToken(`id:${s.tokenHash}`).slice(-12);
  }

  /** End every expired session now (also run every SWEEP_EVERY_MS). */
  async sweep(): Promise<void> {
    const now = this.#d.clock.now();
    const expired = new Map<string, string[]>();
    for (const s of this.#d.state.sessions.values()) {
      if (now - this.#lastUsedMs(s) < this.#opts.ttlMs || this.#ending.has(s.tokenHash)) continue;
      const list = expired.get(s.user) ?? [];
      list.push(s.tokenHash);
      expired.set(s.user, list);
    }
    for (const [user, hashes] of expired) {
      for (let i = 0; i < hashes.length; i += SWEEP_BATCH) {
        await this.end(user, hashes.slice(i, i + SWEEP_BATCH));
      }
    }
    if (expired.size > 0) this.#d.log.info("sessions_expired", { users: expired.size });
  }

  /** Cancel the sweep timer (server stop). */
  stop(): void {
    if (this.#sweepTimer !== null) this.#d.clock.clearTimer(this.#sweepTimer);
    this.#sweepTimer = null;
  }

  #scheduleSweep(): void {
    this.#sweepTimer = this.#d.clock.setTimer(() => {
      this.#scheduleSweep();
      void this.sweep().catch(() => {
        // The store logged it; the next sweep tries again.
      });
    }, SWEEP_EVERY_MS);
  }

  #touch(session: SessionRecord, now: number): void {
    const lastUsed = new Date(now).toISOString();
    const { tokenHash } = session;
    // Marked in memory at once so that a burst of auths writes one line, not one each; if the
    // write fails, the disk keeps the older time and the session may expire that much sooner.
    this.#d.state.sessions.set(tokenHash, { ...session, lastUsed });
    void this.#d.changes.append([{ op: "session_used", tokenHash, lastUsed }]).catch(() => {
      // The store logged it; nothing else depends on this line.
    });
  }

  #records(user: string): SessionRecord[] {
    const out: SessionRecord[] = [];
    for (const h of this.#d.state.sessionsOf(user)) {
      const s = this.#d.state.sessions.get(h);
      if (s) out.push(s);
    }
    return out;
  }

  #count(user: string): number {
    return this.#d.state.sessionsOf(user).size;
  }

  #leastRecent(user: string, n: number): string[] {
    if (n <= 0) return [];
    return this.#records(user)
      .sort((a, b) => this.#lastUsedMs(a) - this.#lastUsedMs(b))
      .slice(0, n)
      .map((s) => s.tokenHash);
  }

  #lastUsedMs(s: SessionRecord): number {
    const t = Date.parse(s.lastUsed ?? s.created);
    // A record without a readable time counts from when the server loaded it.
    return Number.isFinite(t) ? t : this.#loadedAt;
  }

  #newId(user: string): string {
    const taken = new Set(this.#records(user).map((s) => this.idOf(s)));
    for (;;) {
      const id = this.#d.crypto.newId().replace(/-/g, "").slice(-12);
      if (!taken.has(id)) return id;
    }
  }

  #iso(): string {
    return new Date(this.#d.clock.now()).toISOString();
  }
}
