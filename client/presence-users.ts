/**
 * The users a `presence` event names. On the wire (protocol 2) one event names the users of a
 * room whose presence changed in a short window, by status; `chat listen` prints, and the
 * interactive client keeps, one user's change at a time.
 */

/** One user's presence change, as `chat listen` prints it. */
export type PresenceChange = {
  type: "presence";
  user: string;
  status: string;
  away?: string;
};

const STATUSES = ["online", "idle", "offline"] as const;

/** Each user a `presence` event names (online, then idle, then offline); [] for anything else. */
export function presenceChanges(event: Record<string, unknown>): PresenceChange[] {
  const away = event.away;
  const awayOf = (user: string): unknown =>
    typeof away === "object" && away !== null && Object.hasOwn(away, user)
      ? (away as Record<string, unknown>)[user]
      : undefined;
  const out: PresenceChange[] = [];
  for (const status of STATUSES) {
    const list = event[status];
    if (!Array.isArray(list)) continue;
    for (const user of list as unknown[]) {
      if (typeof user !== "string") continue;
      const text = awayOf(user);
      out.push(
        typeof text === "string" && text
          ? { type: "presence", user, status, away: text }
          : { type: "presence", user, status },
      );
    }
  }
  return out;
}
