/**
 * Passing signals between instances (typing, presence): what the domain publishes to a topic
 * with `publish` goes to this instance's sockets and, over Redis pub/sub, to the sockets of
 * every other instance. Nothing here must survive a failure: changes go through the log.
 * Bun's client forgets its subscriptions when Redis restarts, so they are made again on
 * every reconnect.
 */
import type { RedisClient } from "bun";
import { keepConnected, redisClient } from "./connect.ts";
import type { ServerMessage } from "../../shared/protocol.ts";
import type { PresenceView } from "../domain/presence-shared.ts";
import type { Logger, Publisher } from "../domain/types.ts";
import { SIGNALS } from "./keys.ts";

/** One signal on the channel, of one of the kinds below, with the instance that sent it. */
export type Signal = { from: string } & (
  | { kind: "publish"; topic: string; msg: ServerMessage }
  | { kind: "presence"; views: [string, PresenceView][]; set?: SetPart }
  | { kind: "usage"; uses: [string, string, number][] }
  | { kind: "conns"; counts: [string, number][]; set?: SetPart }
  | { kind: "beat" }
  | { kind: "hello" }
);

/** A signal as sent, before it is signed with its instance. */
export type Outgoing = Signal extends infer S
  ? S extends Signal
    ? Omit<S, "from">
    : never
  : never;

type Handler = (signal: Signal) => void;

/**
 * A part of everything an instance holds of a kind (its views, its counts), told in bounded
 * signals: the receiver replaces what it held of that instance once the last part came.
 */
export interface SetPart {
  first: boolean;
  last: boolean;
}

/** Split `items` into the parts of a whole set, at most `size` each (one empty part for none). */
export function setParts<T>(items: readonly T[], size: number): { items: T[]; set: SetPart }[] {
  const parts: { items: T[]; set: SetPart }[] = [];
  for (let i = 0; i === 0 || i < items.length; i += size) {
    const last = i + size >= items.length;
    parts.push({ items: items.slice(i, i + size), set: { first: i === 0, last } });
  }
  return parts;
}

/** The signals channel of one instance. */
export class Signals {
  #url: string;
  #writer: RedisClient;
  #sub: RedisClient | null = null;
  #local: Publisher;
  #instance: string;
  #logger: Logger;
  #handlers = new Map<string, Handler>();
  #stopKeeping: () => void = () => {};
  #resubscribed: (() => void)[] = [];

  /** Signals sent with `writer`, published locally through `local`. */
  constructor(
    url: string,
    writer: RedisClient,
    local: Publisher,
    instance: string,
    logger: Logger,
  ) {
    this.#url = url;
    this.#writer = writer;
    this.#local = local;
    this.#instance = instance;
    this.#logger = logger;
  }

  /** Subscribe to the other instances' signals (again after each reconnect). */
  async start(): Promise<void> {
    const sub = redisClient(this.#url);
    this.#sub = sub;
    this.#stopKeeping = keepConnected(sub, "signals", this.#logger);
    const listen = (message: string) => this.#receive(message);
    let isFirst = true;
    sub.onconnect = () => {
      if (isFirst) return;
      // The old listener is still registered on the client: drop it, or each signal comes twice.
      void sub
        .unsubscribe(SIGNALS)
        .catch(() => {})
        .then(() => sub.subscribe(SIGNALS, listen))
        .then(() => {
          for (const fn of this.#resubscribed) fn();
        })
        .catch((err: unknown) =>
          this.#logger.error("redis_subscribe_failed", { error: String(err) }),
        );
    };
    await sub.connect();
    await sub.subscribe(SIGNALS, listen);
    isFirst = false;
  }

  /** Run `fn` after each subscription made again (what was said meanwhile was lost). */
  onResubscribed(fn: () => void): void {
    this.#resubscribed.push(fn);
  }

  /** Hear the other instances' signals of `kind`. */
  on(kind: Signal["kind"], handler: Handler): void {
    this.#handlers.set(kind, handler);
  }

  /** Send a signal to every other instance (lost while Redis is away: it only passes). */
  send(signal: Outgoing): void {
    const text = JSON.stringify({ ...signal, from: this.#instance });
    void this.#writer.publish(SIGNALS, text).catch(() => {
      // A passing signal: lost while Redis is away, as the spec allows.
    });
  }

  /**
   * The publisher the domain uses: local sockets, and typing notices to the other instances
   * too (presence goes merged: see ClusterPresence).
   */
  publisher(): Publisher {
    const local = this.#local;
    const publish = (topic: string, msg: ServerMessage): void => {
      local.publish(topic, msg);
      if (msg.type === "typing") this.send({ kind: "publish", topic, msg });
    };
    return {
      publish,
      publishEach: (topics, msg) => {
        for (const topic of topics) publish(topic, msg);
      },
      // Events of the log: every instance publishes those itself as it applies the change.
      publishEvent: (topics, msg) => local.publishEvent(topics, msg),
      publishText: (topics, text) => local.publishText(topics, text),
      encode: (msg) => local.encode(msg),
      encodeBatch: (synced, frames) => local.encodeBatch(synced, frames),
    };
  }

  /** Stop listening. */
  close(): void {
    this.#stopKeeping();
    this.#sub?.close();
  }

  #receive(message: string): void {
    let signal: Signal;
    try {
      signal = JSON.parse(message) as Signal;
    } catch {
      return;
    }
    if (signal.from === this.#instance) return;
    if (signal.kind === "publish") {
      if (typeof signal.topic !== "string") return;
      this.#local.publish(signal.topic, signal.msg);
    }
    this.#handlers.get(signal.kind)?.(signal);
  }
}
