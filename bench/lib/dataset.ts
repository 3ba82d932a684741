/**
 * Data sets written straight into the server's JSON file format (server/store/store.ts):
 * users.json {users, sessions}, rooms.json {rooms}, history.json {history}.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RoomRecord, StoredMessage, UserRecord } from "../../server/store/store.ts";
import { roomRecord } from "../../tests/helpers/records.ts";
import { BENCH_PASSWORD } from "./chat.ts";

/** What to generate. */
export interface DatasetSpec {
  users: number;
  rooms: number;
  messagesPerRoom: number;
  /** Users who are members of every room and log in with BENCH_PASSWORD. */
  members: string[];
}

/** Write a data set into `dir` (created). Returns the bytes written. */
export async function writeDataset(dir: string, spec: DatasetSpec): Promise<number> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // One cheap argon2id hash for every account: verifying it costs the same as a real one of
  // those parameters, and the data set loads exactly as real data would.
  const passwordHash = await Bun.password.hash(BENCH_PASSWORD, {
    algorithm: "argon2id",
    memoryCost: 8,
    timeCost: 1,
  });
  const created = new Date().toISOString();
  const names = [...spec.members];
  for (let i = 0; names.length < spec.users + spec.members.length; i++) names.push(`user${i}`);
  const users: UserRecord[] = names.map((name) => ({ name, passwordHash, created }));
  const rooms: RoomRecord[] = [];
  const history: Record<string, StoredMessage[]> = {};
  const base = Date.now() - 86_400_000;
  for (let r = 0; r < spec.rooms; r++) {
    const name = `room${r}`;
    const admin = names[spec.members.length + (r % spec.users)]!;
    const members = [
      ...new Set([admin, ...spec.members, names[spec.members.length + ((r + 1) % spec.users)]!]),
    ];
    rooms.push(roomRecord(name, { admin, topic: `room number ${r}`, members, created }));
    const list: StoredMessage[] = [];
    for (let m = 0; m < spec.messagesPerRoom; m++) {
      list.push({
        id: Bun.randomUUIDv7("hex", base + r * 1000 + m),
        from: members[m % members.length]!,
        text: `message ${m} in ${name}: the quick brown fox jumps over the lazy dog`,
        ts: new Date(base + r * 1000 + m).toISOString(),
        room: name,
      });
    }
    history[`room:${name}`] = list;
  }
  const files: [string, unknown][] = [
    ["users.json", { users, sessions: [] }],
    ["rooms.json", { rooms }],
    ["history.json", { history }],
  ];
  let bytes = 0;
  for (const [file, data] of files) {
    const text = JSON.stringify(data);
    bytes += text.length;
    writeFileSync(join(dir, file), text, { mode: 0o600 });
  }
  return bytes;
}

/** A fresh copy of a data set (the server may compact into it). */
export function copyDataset(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

/** The room names of a data set. */
export function roomNames(count: number): string[] {
  return Array.from({ length: count }, (_, r) => `room${r}`);
}
