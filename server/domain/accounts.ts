import { LIMITS, normalizeUserName } from "../../shared/protocol.ts";
import { ChatError } from "./errors.ts";
import { copyUser } from "./state.ts";
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

  /** Accounts over the shared state. */
  constructor(deps: Deps) {
    this.#d = deps;
  }

  /** Create an account and a session. */
  async register(conn: Conn, rawUser: string, password: string): Promise<SessionGrant> {
    const user = userName(rawUser);
    checkPassword(password);
    const { state } = this.#d;
    if (state.users.has(user)) throw new ChatError("conflict", `user name '${user}' is taken`);
    this.#d.limits.registration(conn.address);
    const passwordHash = await this.#d.passwords.hash(password);
    // The name may have been taken while the hash was computed.
    if (state.users.has(user)) throw new ChatError("conflict", `user name '${user}' is taken`);
    const record = { name: user, passwordHash, created: this.#iso(), notices: [] };
    state.users.set(user, record);
    const grant = this.#newSession(user);
    await this.#d.store.commit([
      { op: "user", user: copyUser(record) },
      { op: "session", session: state.sessions.get(grant.hash)! },
    ]);
    this.#d.log.info("register", { user, address: conn.address });
    conn.tokenHash = grant.hash;
    return { user, token: grant.token };
  }

  /** Check a password and create a session. */
  async login(conn: Conn, rawUser: string, password: string): Promise<SessionGrant> {
    const user = normalizeUserName(rawUser);
    this.#d.limits.checkLogin(conn.address, user);
    const record = user === null ? undefined : this.#d.state.users.get(user);
    const isValid = record ? await this.#d.passwords.verify(password, record.passwordHash) : false;
    if (!record || !isValid) {
      this.#d.limits.failedLogin(conn.address, user);
      this.#d.log.info("login_failed", { user: user ?? "(invalid)", address: conn.address });
      throw new ChatError("auth_failed", "wrong user name or password");
    }
    const grant = this.#newSession(record.name);
    await this.#d.store.commit([
      { op: "session", session: this.#d.state.sessions.get(grant.hash)! },
    ]);
    this.#d.log.info("login", { user: record.name, address: conn.address });
    conn.tokenHash = grant.hash;
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
    this.#d.state.sessions.delete(hash);
    conn.tokenHash = null;
    await this.#d.store.commit([{ op: "session_del", tokenHash: hash }]);
    this.#d.log.info("logout", { user: conn.user });
  }

  /** Change the caller's password after checking the old one. Sessions stay valid. */
  async passwd(conn: Conn, user: string, oldPassword: string, newPassword: string): Promise<void> {
    checkPassword(newPassword);
    this.#d.limits.checkLogin(conn.address, user);
    const record = this.#d.state.users.get(user);
    if (!record || !(await this.#d.passwords.verify(oldPassword, record.passwordHash))) {
      this.#d.limits.failedLogin(conn.address, user);
      throw new ChatError("auth_failed", "the current password is wrong");
    }
    record.passwordHash = await this.#d.passwords.hash(newPassword);
    await this.#d.store.commit([{ op: "user", user: copyUser(record) }]);
    this.#d.log.info("passwd", { user });
  }

  #newSession(user: string): { token: string; hash: string } {
    const token = this.#d.crypto.newToken();
    const hash = this.#d.crypto.hashToken(token);
    this.#d.state.sessions.set(hash, { tokenHash: hash, user, created: this.#iso() });
    return { token, hash };
  }

  #iso(): string {
    return new Date(this.#d.clock.now()).toISOString();
  }
}
