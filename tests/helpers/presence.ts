/**
 * Reading protocol 2 `presence` events in tests: one event names the users of a room whose
 * presence changed in a window, by status, so a test asks about one user of it.
 */

/** A frame as the test clients hold it. */
type Loose = { readonly type: string };

/** What a presence event says of one user. */
export interface PresenceEntry {
  user: string;
  status: string;
  away?: string;
}

/** What a presence frame says of `user`, or undefined (another frame, or not named). */
export function presenceEntry(f: Loose, user: string): PresenceEntry | undefined {
  if (f.type !== "presence") return undefined;
  const e = f as unknown as Record<string, unknown>;
  const status = ["online", "idle", "offline"].find(
    (s) => Array.isArray(e[s]) && (e[s] as unknown[]).includes(user),
  );
  if (status === undefined) return undefined;
  const away = (e.away as Record<string, string> | undefined)?.[user];
  return away === undefined ? { user, status } : { user, status, away };
}

/** A match for `waitFor`: a presence frame naming `user` (with `status`, when given). */
export function namesUser(user: string, status?: string): (f: Loose) => boolean {
  return (f) => {
    const e = presenceEntry(f, user);
    return e !== undefined && (status === undefined || e.status === status);
  };
}

/** Every entry for `user` in the frames, in order (the presence events told about them). */
export function entriesOf(frames: readonly Loose[], user: string): PresenceEntry[] {
  return frames.flatMap((f) => presenceEntry(f, user) ?? []);
}
