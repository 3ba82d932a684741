/**
 * Stored records for the tests and scripts that fill a store, a snapshot or a data folder by
 * hand: one place that knows every field a record needs.
 */
import type { RoomRecord, UserRecord } from "../../server/store/store.ts";

const CREATED = "2026-01-01T00:00:00.000Z";

/** A stored open, listed room of `name` with no topic; its admin (ann) is its only member. */
export function roomRecord(name: string, fields: Partial<RoomRecord> = {}): RoomRecord {
  const admin = fields.admin ?? "ann";
  return {
    name,
    admin,
    open: true,
    visible: true,
    topic: "",
    members: [admin],
    pending: [],
    shutDown: false,
    created: CREATED,
    ...fields,
  };
}

/** A stored user (the hash is not a real one: enough for the store, not for a login). */
export function userRecord(name: string, passwordHash = "hash"): UserRecord {
  return { name, passwordHash, created: CREATED };
}
