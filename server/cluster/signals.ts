/**
 * Passing signals between instances (typing, presence): what the domain publishes to a topic
 * with `publish` goes to this instance's sockets and, over Redis pub/sub, to the sockets of
 * every other instance. Nothing here must survive a failure: changes go through the log.
 * Bun's client forgets its subscriptions when Redis restarts, so they are made again on
 * every reconnect.
 */
import { RedisClient } from "bun";
import type { ServerMessage } from "../../shared/protocol.ts";
import type { Logger, Publisher } from "../domain/types.ts";
import { SIGNALS } from "./keys.ts";

/** One signal on the channel: who sent it, and what to publish to which topic. */
interface Signal {
  from: string;
  topic: string;
  msg: ServerMessage;
}

/** The signals channel of one instance. */
export class Signals {
  #url: string;
  #writer: RedisClient;
  #sub: RedisClient | null = null;
  #local: Publisher;
  #instance: string;
  #logger: Logger;

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
    const sub = new RedisClient(this.#url);
    this.#sub = sub;
    const listen = (message: string) => this.#receive(message);
    let isFirst = true;
    sub.onconnect = () => {
      if (isFirst) return;
      // The old listener is still registered on the client: drop it, or each signal comes twice.
      void sub
        .unsubscribe(SIGNALS)
        .catch(() => {})
        .then(() => sub.subscribe(SIGNALS, listen))
        .catch((err: unknown) =>
          this.#logger.error("redis_subscribe_failed", { error: String(err) }),
        );
    };
    await sub.connect();
    await sub.subscribe(SIGNALS, listen);
    isFirst = false;
  }

  /** The publisher the domain uses: local sockets, and the other instances for `publish`. */
  publisher(): Publisher {
    const local = this.#local;
    return {
      publish: (topic, msg) => {
        local.publish(topic, msg);
        this.#send(topic, msg);
      },
      publishEach: (topics, msg) => {
        for (const topic of topics) {
          local.publish(topic, msg);
          this.#send(topic, msg);
        }
      },
      // Frames of the log: every instance publishes those itself as it applies the change.
      publishText: (topic, text) => local.publishText(topic, text),
    };
  }

  /** Stop listening. */
  close(): void {
    this.#sub?.close();
  }

  #send(topic: string, msg: ServerMessage): void {
    const signal: Signal = { from: this.#instance, topic, msg };
    void this.#writer.publish(SIGNALS, JSON.stringify(signal)).catch(() => {
      // A passing signal: lost while Redis is away, as the spec allows.
    });
  }

  #receive(message: string): void {
    let signal: Signal;
    try {
      signal = JSON.parse(message) as Signal;
    } catch {
      return;
    }
    if (signal.from === this.#instance || typeof signal.topic !== "string") return;
    this.#local.publish(signal.topic, signal.msg);
  }
}
