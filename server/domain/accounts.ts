/**
 * Accounts: register, login, token auth, logout and password change. Every request that hashes
 * or checks a password is charged to its address and user name before the work starts (see
 * RateLimits.accountWork), and a name with no account is checked against a dummy hash of the
 * same cost, so that its answer takes as long as a wrong password's.
 */
import { LIMITS, normalizeUserName } from "../../shared/protocol.ts";
import type { SessionInfo } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import type { UserRecord } from "../store/store.ts";
import type { AttemptCharge } from "./rate-limit.ts";
import type { KeyedQueue } from "./serial.ts";
import { userLock } from "./serial.ts";
import { DEFAULT_SESSION_OPTIONS, Sessions } from "./sessions.ts";
import type { SessionOptions } from "./sessions.ts";
import type { Deps } from "./deps.ts";
import type { Conn } from "./types.ts";

/** A session handed to a client. */
export interface SessionGrant {
  user: string;
  token: string;
  /** Made by this request (register, login), not resumed (auth). */
  isNew: boolean;
}

const NAME_RULE = "1-32 characters of a-z 0-9 _ -, starting with a letter or digit";

/** Check and normalise a user name; bad_request when invalid. */
export function userName(raw: string): string {
  const name = normalizeUserName(raw);
  if (name === null) throw new ChatError("bad_request", `invalid user name: ${NAME_RULE}`);
  return name;
}

function checkPassword(password: string): void {
  if (password.length < LIMITS.passwordMin) {
    throw new ChatError(
      "bad_request",
      `password must be at least ${LIMITS.passwordMin} characters`,
    );
  }
}

/** Accounts and sessions: register, login, token auth, logout, password change. */
export class Accounts {
  /** Every session of every user. */
  readonly sessions: Sessions;
  #d: Deps;
  #queue: KeyedQueue;
  #dummyHash: Promise<string> | null = null;

  /** Accounts over the shared state; `queue` orders changes of one user's record. */
  constructor(deps: Deps, queue: KeyedQueue, opts: SessionOptions = DEFAULT_SESSION_OPTIONS) {
    this.#d = deps;
    this.#queue = queue;
    this.sessions = new Sessions(deps, opts, queue);
    // Made at start-up, so that the first unknown name takes no longer than the next.
    this.#dummyHash = this.#makeDummy();
  }

  /** Create an account and a session. The limits are checked before the name is. */
  async register(
    conn: Conn,
    rawUser: string,
    password: string,
    client?: string,
  ): Promise<SessionGrant> {
    const user = userName(rawUser);
    checkPassword(password);
    const { state } = this.#d;
    // Limited first: a limited address learns nothing about which names are taken.
    this.#d.limits.accountWork("register", conn.address, user);
    if (state.users.has(user)) throw new ChatError("conflict", `user name '${user}' is taken`);
    const passwordHash = await this.#d.passwords.hash(password);
    return this.#queue.run([userLock(user)], async () => {
      // The name may have been taken while the hash was computed.
      if (state.users.has(user)) throw new ChatError("conflict", `user name '${user}' is taken`);
      const record: UserRecord = { name: user, passwordHash, created: this.#iso() };
      const grant = this.sessions.make(user, conn.address, client);
      await this.sessions.add(grant.session, {
        ops: [{ op: "user", user: record, create: true }],
      });
      this.#d.log.info("register", { user, address: conn.address });
      conn.tokenHash = grant.session.tokenHash;
      return { user, token: grant.token, isNew: true };
    });
  }

  /** Check a password and create a session. */
  async login(
    conn: Conn,
    rawUser: string,
    password: string,
    client?: string,
  ): Promise<SessionGrant> {
    const user = normalizeUserName(rawUser);
    const charge = this.#d.limits.accountWork("login", conn.address, user);
    const record = user === null ? undefined : this.#d.state.users.get(user);
    const isValid = await this.#check(password, record?.passwordHash, charge);
    if (!record || !isValid) {
      // A name with no account is not logged: it is often a password typed in the wrong field.
      const logged = record ? record.name : user === null ? "(invalid)" : "(unknown)";
      this.#d.log.info("login_failed", { user: logged, address: conn.address });
      throw new ChatError("auth_failed", "wrong user name or password");
    }
    const grant = this.sessions.make(record.name, conn.address, client);
    // A password changed while this one was checked ends every other session: this one too.
    const { passwordHash } = record;
    await this.sessions.add(grant.session, undefined, () => {
      return this.#d.state.users.get(record.name)?.passwordHash === passwordHash;
    });
    this.#d.log.info("login", { user: record.name, address: conn.address });
    conn.tokenHash = grant.session.tokenHash;
    return { user: record.name, token: grant.token, isNew: true };
  }

  /**
   * Resume a session by its token. A valid token is accepted whatever its address did; a bad
   * one is charged to the address's own bad-token bucket, never to the password buckets.
   */
  auth(conn: Conn, token: string): SessionGrant {
    const session = this.sessions.resume(token);
    if (!session) {
      this.#d.limits.badToken(conn.address);
      this.#d.log.info("auth_failed", { address: conn.address });
      throw new ChatError("auth_failed", "session token is not valid; log in again");
    }
    this.#d.log.info("auth", { user: session.user, address: conn.address });
    conn.tokenHash = session.tokenHash;
    return { user: session.user, token, isNew: false };
  }

  /** The user a session token names, or null; nothing is checked, charged or stored. */
  ownerOf(token: string): string | null {
    return this.#d.state.sessions.get(this.#d.crypto.hashToken(token))?.user ?? null;
  }

  /** Revoke the connection's session. */
  async logout(conn: Conn): Promise<void> {
    const { tokenHash: hash, user } = conn;
    if (hash === null || user === null) return;
    await this.sessions.end(user, [hash], { cause: conn });
    conn.tokenHash = null;
    this.#d.log.info("logout", { user });
  }

  /**
   * End the session just made for a connection that may not be bound after all (it closed
   * while the password was checked, or is past a quota). The store logs a failure; the
   * session then ends with the sweep or the per-user maximum.
   */
  discard(conn: Conn, user: string): void {
    const hash = conn.tokenHash;
    conn.tokenHash = null;
    if (hash === null) return;
    void this.sessions.end(user, [hash]).catch(() => {
      // Logged by the store; see above.
    });
  }

  /** The caller's sessions. */
  list(conn: Conn, user: string): SessionInfo[] {
    return this.sessions.list(user, conn.tokenHash);
  }

  /** End one of the caller's sessions by id, or (id null) all but the caller's own. */
  async revoke(conn: Conn, user: string, id: string | null): Promise<number> {
    const count = await this.sessions.revoke(user, id, conn);
    this.#d.log.info("revoke", { user, address: conn.address, count });
    return count;
  }

  /**
   * Change the caller's password after checking the old one. Every other session of the user
   * ends with it (in the same commit) unless `keepSessions`.
   */
  async passwd(
    conn: Conn,
    user: string,
    oldPassword: string,
    newPassword: string,
    keepSessions = false,
  ): Promise<void> {
    checkPassword(newPassword);
    const charge = this.#d.limits.accountWork("passwd", conn.address, user);
    const current = this.#d.state.users.get(user);
    if (!current || !(await this.#check(oldPassword, current.passwordHash, charge))) {
      throw new ChatError("auth_failed", "the current password is wrong");
    }
    const passwordHash = await this.#d.passwords.hash(newPassword);
    const ended = await this.#queue.run([userLock(user)], () => {
      const record = { ...this.#d.state.users.get(user)!, passwordHash };
      // Chosen inside the sessions' queue, so that a login finishing meanwhile is ended too.
      const others = () => (keepSessions ? [] : this.sessions.othersOf(user, conn.tokenHash));
      return this.sessions.end(user, others, {
        ops: [{ op: "user", user: record }],
        cause: conn,
      });
    });
    this.#d.log.info("passwd", { user, sessionsEnded: ended });
  }

  /**
   * Whether `password` matches `hash`; with no hash (no such user) it is checked against a
   * dummy hash of the same cost and is false. The charge is settled: returned when right,
   * kept when wrong, returned when the check never ran.
   */
  async #check(password: string, hash: string | undefined, charge: AttemptCharge) {
    let isValid: boolean;
    try {
      isValid = await this.#d.passwords.verify(password, hash ?? (await this.#dummy()));
    } catch (err) {
      charge.cancel();
      throw err;
    }
    if (isValid && hash !== undefined) {
      charge.succeeded();
      return true;
    }
    return false;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.#makeDummy();
    return this.#dummyHash;
  }

  // The same parameters as every real hash, through the same queue; no one knows the password.
  #makeDummy(): Promise<string> {
    const made = this.#d.passwords.hash(`no account ${this.#d.clock.now()} ${Math.random()}`);
    // A refused hash (a full queue) is not kept: the next request tries again.
    made.catch(() => (this.#dummyHash = null));
    return made;
  }

  #iso(): string {
    return new Date(this.#d.clock.now()).toISOString();
  }
}
