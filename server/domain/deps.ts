/**
 * The record of everything a domain service is given. It lives apart from types.ts because it
 * names the concrete state, limits and connections, and those import types.ts themselves.
 */
import type { ChangeLog } from "./change-log.ts";
import type { Connections } from "./connections.ts";
import type { RateLimits } from "./rate-limit.ts";
import type { ChatState } from "./state.ts";
import type { Clock, Crypto, Logger, PasswordHasher, Publisher } from "./types.ts";

/** Everything a domain service needs, injected once. */
export interface Deps {
  state: ChatState;
  /** Where every change goes: numbered, made durable, then applied in log order. */
  changes: ChangeLog;
  clock: Clock;
  crypto: Crypto;
  passwords: PasswordHasher;
  publisher: Publisher;
  log: Logger;
  limits: RateLimits;
  conns: Connections;
}
