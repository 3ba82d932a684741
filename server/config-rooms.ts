/**
 * The flags of room quotas: rooms administered and joined per user, the creation rate.
 * Parsed here and spread into the server's Config by config.ts.
 */
import { parseBucket } from "./config-accounts.ts";
import { DEFAULT_ROOM_QUOTAS } from "./domain/room-quota.ts";
import type { RoomQuotas } from "./domain/room-quota.ts";

/** The room settings of the server. */
export interface RoomConfig {
  roomQuotas: RoomQuotas;
}

/** parseArgs options of the room flags. */
export const ROOM_OPTIONS = {
  "max-rooms-per-user": { type: "string" },
  "max-rooms-joined": { type: "string" },
  "room-create-limit": { type: "string" },
} as const;

/** The usage lines of the room flags. */
export const ROOM_USAGE =
  "\n                      [--max-rooms-per-user N] [--max-rooms-joined N] [--room-create-limit B/S]";

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * The room settings from parsed flags; `fail` makes the configuration error. Under
 * `--no-rate-limit` (benchmarks) the quotas are off unless given; the creation bucket is a
 * rate limit and off with the others.
 */
export function parseRoomConfig(
  v: Values,
  isRateLimited: boolean,
  fail: (message: string) => Error,
): RoomConfig {
  const whole = (flag: keyof typeof ROOM_OPTIONS, fallback: number): number => {
    const given = v[flag];
    const value = typeof given === "string" ? given : String(isRateLimited ? fallback : 0);
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n > 1e7) {
      throw fail(`--${flag} must be a whole number from 0 (no quota) to 10000000, not '${value}'`);
    }
    return n;
  };
  const limit = v["room-create-limit"];
  const d = DEFAULT_ROOM_QUOTAS;
  return {
    roomQuotas: {
      maxRoomsPerUser: whole("max-rooms-per-user", d.maxRoomsPerUser),
      maxRoomsJoined: whole("max-rooms-joined", d.maxRoomsJoined),
      createLimit:
        typeof limit === "string" ? parseBucket(limit, "--room-create-limit", fail) : d.createLimit,
    },
  };
}
