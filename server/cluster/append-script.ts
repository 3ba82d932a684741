/**
 * Appending a change to the log: one Lua script numbers it (INCRBY of the seq counter by its
 * count of events) and adds it under the id `<first seq>-0` in the same atomic step, so the
 * order of the stream is the order of the numbers.
 */
import type { RedisClient } from "bun";
import { KEYS } from "./keys.ts";

const SCRIPT = `
local count = tonumber(ARGV[1])
local last = redis.call('INCRBY', KEYS[2], count)
local first = last - count + 1
redis.call('XADD', KEYS[1], first .. '-0', 'c', ARGV[2])
return first`;

/** The append script, run by its hash, loaded again after Redis forgot it (a restart). */
export class AppendScript {
  #client: RedisClient;
  #sha: string | null = null;

  /** The script over `client`. */
  constructor(client: RedisClient) {
    this.#client = client;
  }

  /** Append a change of `count` numbers; resolves with its first seq once Redis has it. */
  async append(count: number, payload: string): Promise<number> {
    const args = ["2", KEYS.log, KEYS.seq, String(count), payload];
    if (this.#sha !== null) {
      try {
        return Number(await this.#client.send("EVALSHA", [this.#sha, ...args]));
      } catch (err) {
        // Redis restarted and lost its script cache: the script did not run, so run it again.
        if (!String((err as Error).message).startsWith("NOSCRIPT")) throw err;
      }
    }
    const first = Number(await this.#client.send("EVAL", [SCRIPT, ...args]));
    this.#sha ??= String(await this.#client.send("SCRIPT", ["LOAD", SCRIPT]));
    return first;
  }
}
