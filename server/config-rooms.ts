/**
 * The flags of room quotas (rooms administered and joined per user, the creation rate) and of
 * reply bounds (rooms, who, requests, history and conversations pages). Parsed here and spread into the
 * server's Config by config.ts.
 */
import { parseBucket } from "./config-accounts.ts";
import { DEFAULT_REPLY_BOUNDS } from "./domain/bounds.ts";
import type { ReplyBounds } from "./domain/bounds.ts";
import { DEFAULT_ROOM_QUOTAS } from "./domain/room-quota.ts";
import { DEFAULT_MODERATION_BOUNDS } from "./domain/moderation.ts";
import type { ModerationBounds } from "./domain/moderation.ts";
import type { RoomQuotas } from "./domain/room-quota.ts";
import { DEFAULT_DAILY_QUOTAS } from "./domain/window-quota.ts";

/** The room settings of the server. */
export interface RoomConfig {
  roomQuotas: RoomQuotas;
  replyBounds: ReplyBounds;
  moderation: ModerationBounds;
}

/** parseArgs options of the room flags. */
export const ROOM_OPTIONS = {
  "max-rooms-per-user": { type: "string" },
  "max-rooms-joined": { type: "string" },
  "max-rooms-created": { type: "string" },
  "max-new-conversations": { type: "string" },
  "max-bans-per-room": { type: "string" },
  "max-invites-per-room": { type: "string" },
  "room-create-limit": { type: "string" },
  "rooms-page": { type: "string" },
  "who-page": { type: "string" },
  "requests-page": { type: "string" },
  "history-page-kib": { type: "string" },
  "conversations-page": { type: "string" },
} as const;

/** The usage lines of the room flags. */
export const ROOM_USAGE =
  "\n                      [--max-rooms-per-user N] [--max-rooms-joined N] [--room-create-limit B/S]" +
  "\n                      [--max-rooms-created N] [--max-new-conversations N]" +
  "\n                      [--max-bans-per-room N] [--max-invites-per-room N]" +
  "\n                      [--rooms-page N] [--who-page N] [--requests-page N] [--history-page-kib N]" +
  "\n                      [--conversations-page N]";

// The range of each page flag: any page stays well under the 1 MiB slow-reader threshold, and
// a history page always holds the longest message (4,000 characters, at most 24 KB as JSON).
const PAGE_FLAGS = {
  "rooms-page": [1, 500],
  "who-page": [1, 5000],
  "requests-page": [1, 5000],
  "history-page-kib": [64, 768],
  "conversations-page": [1, 500],
} as const;

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
  const page = (flag: keyof typeof PAGE_FLAGS, fallback: number): number => {
    const given = v[flag];
    const value = typeof given === "string" ? given : String(fallback);
    const n = Number(value);
    const [min, max] = PAGE_FLAGS[flag];
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw fail(`--${flag} must be a whole number from ${min} to ${max}, not '${value}'`);
    }
    return n;
  };
  const b = DEFAULT_REPLY_BOUNDS;
  const m = DEFAULT_MODERATION_BOUNDS;
  return {
    moderation: {
      maxBansPerRoom: whole("max-bans-per-room", m.maxBansPerRoom),
      maxInvitesPerRoom: whole("max-invites-per-room", m.maxInvitesPerRoom),
    },
    replyBounds: {
      roomsPage: page("rooms-page", b.roomsPage),
      whoPage: page("who-page", b.whoPage),
      requestsPage: page("requests-page", b.requestsPage),
      historyPageBytes: page("history-page-kib", b.historyPageBytes / 1024) * 1024,
      conversationsPage: page("conversations-page", b.conversationsPage),
    },
    roomQuotas: {
      maxRoomsPerUser: whole("max-rooms-per-user", d.maxRoomsPerUser),
      maxRoomsJoined: whole("max-rooms-joined", d.maxRoomsJoined),
      createLimit:
        typeof limit === "string" ? parseBucket(limit, "--room-create-limit", fail) : d.createLimit,
      maxRoomsCreated: whole("max-rooms-created", DEFAULT_DAILY_QUOTAS.maxRoomsCreated),
      maxNewConversations: whole("max-new-conversations", DEFAULT_DAILY_QUOTAS.maxNewConversations),
    },
  };
}
