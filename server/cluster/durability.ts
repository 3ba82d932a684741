/** The start-up check that Redis keeps every change it acknowledges through a crash. */
import type { RedisClient } from "bun";
import type { Logger } from "../domain/types.ts";

/**
 * Throw unless Redis runs with `appendonly yes` and `appendfsync always`; with `isUnsafe` the
 * server starts anyway and says so on stderr and in its log.
 */
export async function checkDurability(
  client: RedisClient,
  url: string,
  isUnsafe: boolean,
  logger: Logger,
): Promise<void> {
  const appendonly = await configValue(client, "appendonly");
  const appendfsync = await configValue(client, "appendfsync");
  if (appendonly === "yes" && appendfsync === "always") return;
  const problem =
    `Redis at ${url} runs with appendonly ${appendonly} and appendfsync ${appendfsync}: ` +
    "a crash of Redis could lose changes the server had acknowledged";
  if (!isUnsafe) {
    throw new Error(
      `${problem}. Set 'appendonly yes' and 'appendfsync always' in redis.conf, or start with ` +
        "--redis-unsafe to accept the risk",
    );
  }
  process.stderr.write(`warning: ${problem} (--redis-unsafe)\n`);
  logger.error("redis_unsafe", { appendonly, appendfsync });
}

async function configValue(client: RedisClient, name: string): Promise<string> {
  const reply = (await client.send("CONFIG", ["GET", name])) as Record<string, string> | string[];
  const value = Array.isArray(reply) ? reply[1] : reply[name];
  return String(value ?? "unknown");
}
