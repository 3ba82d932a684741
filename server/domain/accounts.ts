import { LIMITS, normalizeUserName } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import type { SessionRecord, UserRecord } from "../store/store.ts";
import type { KeyedQueue } from "./serial.ts";
import { userLock } from "./serial.ts";
import type { Conn, Deps } from "./types.ts";

/** A session handed to a client. */
export interface SessionGrant {
  user: string;
  token: string;
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
  #d: Deps;
  #queue: KeyedQueue;

  /** Accounts over the shared state; `queue` orders changes of one user's record. */
  constructor(deps: Deps, queue: KeyedQueue) {
    this.#d = deps;
    this.#queue = queue;
  }

  /** Create an account and a session. */
  async register(conn: Conn, rawUser: string, password: string): Promise<SessionGrant> {
    const user = userName(rawUser);
    checkPassword(password);
    const { state } = this.#d;
    if (state.users.has(user)) throw new ChatError("conflict", `user name '${user}' is taken`);
    this.#d.limits.registration(conn.address);
    const passwordHash = await this.#d.passwords.hash(password);
    return this.#queue.run([userLock(user)], async () => {
      // The name may have been taken while the hash was computed.
      if (state.users.has(user)) throw new ChatError("conflict", `user name '${user}' is taken`);
      const record: UserRecord = { name: user, passwordHash, created: this.#iso() };
      const grant = this.#newSession(user);
      await this.#d.store.commit([
        { op: "user", user: record },
        { op: "session", session: grant.session },
      ]);
      state.users.set(user, record);
      state.sessions.set(grant.session.tokenHash, grant.session);
      this.#d.log.info("register", { user, address: conn.address });
      conn.tokenHash = grant.session.tokenHash;
      return { user, token: grant.token };
    });
  }

  /** Check a password and create a session. */
  async login(conn: Conn, rawUser: string, password: string): Promise<SessionGrant> {
    const user = normalizeUserName(rawUser);
    this.#d.limits.checkLogin(conn.address, user);
    const record = user === null ? undefined : this.#d.state.users.get(user);
    const isValid = record ? await this.#d.passwords.verify(password, record.passwordHash) : false;
    if (!record || !isValid) {
      this.#d.limits.failedLogin(conn.address, user);
      // A name with no account is not logged: it is often a password typed in the wrong field.
      const logged = record ? record.name : user === null ? "(invalid)" : "(unknown)";
      this.#d.log.info("login_failed", { user: logged, address: conn.address });
      throw new ChatError("auth_failed", "wrong user name or password");
    }
    const grant = this.#newSession(record.name);
    await this.#d.store.commit([{ op: "session", session: grant.session }]);
    this.#d.state.sessions.set(grant.session.tokenHash, grant.session);
    this.#d.log.info("login", { user: record.name, address: conn.address });
    conn.tokenHash = grant.session.tokenHash;
    return { user: record.name, token: grant.token };
  }

  /** Resume a session by its token. */
  auth(conn: Conn, token: string): SessionGrant {
    this.#d.limits.checkLogin(conn.address, null);
    const hash = this.#d.crypto.hashToken(token);
    const session = this.#d.state.sessions.get(hash);
    if (!session || !this.#d.state.users.has(session.user)) {
      this.#d.limits.failedLogin(conn.address, null);
      this.#d.log.info("auth_failed", { address: conn.address });
      throw new ChatError("auth_failed", "session token is not valid; log in again");
    }
    this.#d.log.info("auth", { user: session.user, address: conn.address });
    conn.tokenHash = hash;
    return { user: session.user, token };
  }

  /** Revoke the connection's session. */
  async logout(conn: Conn): Promise<void> {
    const hash = conn.tokenHash;
    if (hash === null) return;
    await this.#d.store.commit([{ op: "session_del", tokenHash: hash }]);
    this.#d.state.sessions.delete(hash);
    conn.tokenHash = null;
    this.#d.log.info("logout", { user: conn.user });
  }

  /** Change the caller's password after checking the old one. Sessions stay valid. */
  async passwd(conn: Conn, user: string, oldPassword: string, newPassword: string): Promise<void> {
    checkPassword(newPassword);
    this.#d.limits.checkLogin(conn.address, user);
    const current = this.#d.state.users.get(user);
    if (!current || !(await this.#d.passwords.verify(oldPassword, current.passwordHash))) {
      this.#d.limits.failedLogin(conn.address, user);
      throw new ChatError("auth_failed", "the current password is wrong");
    }
    const passwordHash = await this.#d.passwords.hash(newPassword);
    await this.#queue.run([userLock(user)], async () => {
      const record = { ...this.#d.state.users.get(user)!, passwordHash };
      await this.#d.store.commit([{ op: "user", user: record }]);
      this.#d.state.users.set(user, record);
    });
    this.#d.log.info("passwd", { user });
  }

  #newSession(user: string): { token: string; session: SessionRecord } {
    const token = this.#d.crypto.newToken();
    const tokenHash = this.#d.crypto.hashToken(token);
    return { token, session: { tokenHash, user, created: this.#iso() } };
  }

  #iso(): string {
    return new Date(this.#d.clock.now()).toISOString();
  }
}
