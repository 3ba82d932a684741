/** The request limits: per connection, per user, the reply backlog, the login quotas. */
import { normalizeUserName } from "../shared/protocol.ts";
import type { ClientMessage } from "../shared/protocol.ts";
import { ChatError } from "../shared/errors.ts";
import type { Chat } from "./domain/chat.ts";
import { RateLimiter } from "./domain/rate-limit.ts";
import type { Clock } from "./domain/types.ts";
import type { Admission } from "./admission.ts";
import { WsConn } from "./sockets.ts";

/** A request bucket holds this many seconds' worth of requests: a reconnect's catch-up fits. */
const REQUEST_BURST_SECONDS = 4;
/** What a paged request refused for the user's reply backlog is told to wait. */
const BACKLOG_RETRY_MS = 1000;
// Requests whose reply is a page that may be large: refused while the user's replies waiting
// to reach them pass the backlog bound.
const PAGED: ReadonlySet<ClientMessage["type"]> = new Set([
  "history",
  "sync",
  "rooms",
  "conversations",
  "who",
  "requests",
  "bans",
]);

/** The bounds of the pipeline; a rate of 0 is no limit. */
export interface PipelineLimits {
  /** Requests per second per connection, in bursts of REQUEST_BURST_SECONDS times as many. */
  requestsPerConnection: number;
  /** Requests per second per user across all their connections, bursts as above. */
  requestsPerUser: number;
  /** Close (4029) connections that keep sending malformed frames. */
  isMalformedGuarded: boolean;
  /**
   * Bytes of frames that may wait behind a connection's login in flight (0: no bound); past
   * it a frame is answered `rate_limited` at once and not kept.
   */
  queuedBytes: number;
  /**
   * A sync or catch-up page costs the user one request per this many events sent (0: free),
   * on top of the request itself.
   */
  framesPerRequest: number;
  /**
   * Bytes of replies that may wait to reach one user, over all their connections (0: no
   * bound); past it a paged request (history, sync, rooms...) is answered `rate_limited`.
   */
  replyBacklogBytes: number;
  /**
   * A reply costs its user one more request per this many bytes (0: free): big pages pulled
   * in a loop are paced like the requests that ask for them.
   */
  replyBytesPerRequest: number;
  /**
   * Requests refused `rate_limited` while the connection was still told to wait, past which
   * it is closed (4029) (0: never closed); those read at once with the last refusal count
   * 1/20. A client that waits retryAfterMs never gets here.
   */
  ignoredWaitsMax: number;
}

/** What a connection was last told to wait, and how much it was refused since. */
interface Wait {
  until: number;
  refused: number;
  turn: number;
}

// A refusal in the same turn of the event loop as the connection's last one (frames read at
// once: a pipelined burst sent before any refusal could be read) counts this much.
const SAME_TURN_WEIGHT = 1 / 20;

/** What the limits read: who owns a token, a user's connections, the address quotas. */
export interface RequestLimitDeps {
  chat: Chat;
  admission: Admission;
  clock: Clock;
}

/** Decides whether a request may run now; one per server. */
export class RequestLimits {
  #d: RequestLimitDeps;
  #limits: PipelineLimits;
  #perConnection: RateLimiter | null;
  #perUser: RateLimiter | null;
  // Weak: a closed connection's entry goes with it.
  #waits = new WeakMap<WsConn, Wait>();
  // Which turn of the event loop this is, counted only while refusals happen.
  #turn = 0;
  #isTurnScheduled = false;

  /** Limits over `deps` with the bounds `limits`. */
  constructor(deps: RequestLimitDeps, limits: PipelineLimits) {
    this.#d = deps;
    this.#limits = limits;
    this.#perConnection = bucket(limits.requestsPerConnection, deps.clock);
    // Named among the domain's limits: in a cluster a user's requests count on every instance.
    const perUser = limits.requestsPerUser;
    this.#perUser =
      perUser === 0
        ? null
        : deps.chat.deps.limits.bucket("requests-user", {
            burst: perUser * REQUEST_BURST_SECONDS,
            perSecond: perUser,
          });
  }

  /**
   * Throw rate_limited when the connection or its user sends too many requests, when a paged
   * request meets a full reply backlog, or when a login could not be bound anyway (a quota is
   * full: refused before the password is hashed).
   */
  check(conn: WsConn, msg: ClientMessage): void {
    const onConn = this.#perConnection?.take(conn.id) ?? 0;
    if (onConn > 0) {
      const text = `too many requests on this connection; retry in ${Math.ceil(onConn / 1000)} s`;
      throw new ChatError("rate_limited", text, onConn);
    }
    const user = conn.user;
    // A token login is charged to the user its token names: one account sending its token on
    // socket after socket (each attach subscribes to every room of the user) is limited too.
    const payer = user ?? (msg.type === "auth" ? this.#d.chat.accounts.ownerOf(msg.token) : null);
    const byUser = payer === null ? 0 : (this.#perUser?.take(payer) ?? 0);
    if (byUser > 0) {
      const text = `too many requests from '${payer}'; retry in ${Math.ceil(byUser / 1000)} s`;
      throw new ChatError("rate_limited", text, byUser);
    }
    if (user !== null) {
      if (PAGED.has(msg.type)) this.#checkBacklog(user);
      return;
    }
    if (msg.type === "register" || msg.type === "auth") {
      this.#d.admission.checkQuota(conn.address, null);
    } else if (msg.type === "login") {
      this.#d.admission.checkQuota(conn.address, normalizeUserName(msg.user));
    }
  }

  // Past the bound, a paged request is refused before its page is built: a user pipelining
  // hundreds of them would otherwise have them all built in one turn, hundreds of MB at once.
  #checkBacklog(user: string): void {
    const max = this.#limits.replyBacklogBytes;
    if (max === 0) return;
    let backlog = 0;
    for (const c of this.#d.chat.deps.conns.of(user)) {
      if (c instanceof WsConn) backlog += c.backlog;
    }
    if (backlog <= max) return;
    const text = `too many replies waiting to reach '${user}'; retry in 1 s`;
    throw new ChatError("rate_limited", text, BACKLOG_RETRY_MS);
  }

  /**
   * Note a `rate_limited` refusal of `conn` telling it to wait `waitMs`; true when it was
   * refused more than `ignoredWaitsMax` times without once waiting as it was told.
   */
  ignoresWait(conn: WsConn, waitMs: number): boolean {
    const max = this.#limits.ignoredWaitsMax;
    if (max === 0) return false;
    const now = this.#d.clock.now();
    const turn = this.#currentTurn();
    const wait = this.#waits.get(conn);
    if (wait === undefined || now >= wait.until) {
      this.#waits.set(conn, { until: now + waitMs, refused: 1, turn });
      return false;
    }
    wait.until = Math.max(wait.until, now + waitMs);
    wait.refused += wait.turn === turn ? SAME_TURN_WEIGHT : 1;
    wait.turn = turn;
    return wait.refused > max;
  }

  #currentTurn(): number {
    if (!this.#isTurnScheduled) {
      this.#isTurnScheduled = true;
      setImmediate(() => {
        this.#turn++;
        this.#isTurnScheduled = false;
      });
    }
    return this.#turn;
  }

  /** Charge a reply of `length` units sent to `user`: one request per replyBytesPerRequest. */
  chargeReply(user: string, length: number): void {
    const per = this.#limits.replyBytesPerRequest;
    if (this.#perUser === null || per === 0 || length < per) return;
    this.#perUser.charge(user, Math.floor(length / per));
  }

  /**
   * Charge `frames` events sent to `user` in a sync or catch-up page to the user's requests,
   * into debt if need be; returns the ms until the user may send (or be sent) more.
   */
  chargeFrames(user: string, frames: number): number {
    const per = this.#limits.framesPerRequest;
    if (this.#perUser === null || per === 0) return 0;
    return this.#perUser.charge(user, Math.ceil(frames / per));
  }
}

function bucket(perSecond: number, clock: Clock): RateLimiter | null {
  if (perSecond === 0) return null;
  return new RateLimiter({ burst: perSecond * REQUEST_BURST_SECONDS, perSecond }, clock);
}
