/** Compaction's side of the snapshot files: the state copied under the lock, then written. */
import { lastMessages } from "./apply.ts";
import { lastEntries, trimmedAt } from "./apply-log.ts";
import { writeFileAtomic } from "./files.ts";
import { FILES } from "./read.ts";
import { copyMarks } from "./reads.ts";
import type { ReadMarks } from "./reads.ts";
import type {
  LogEntry,
  RoomRecord,
  SessionRecord,
  Snapshot,
  StoredMessage,
  Trimmed,
  UserRecord,
} from "./store.ts";
import type { JournalMark } from "./validate.ts";

/** history.json is written in pieces of about this size, letting commits run in between. */
const CHUNK_BYTES = 1024 * 1024;

/** What a compaction writes: the state as of journal position `mark`. */
export interface Captured {
  mark: JournalMark;
  users: UserRecord[];
  sessions: SessionRecord[];
  rooms: RoomRecord[];
  reads: ReadMarks;
  history: (readonly [string, StoredMessage[]])[];
  log: [string, LogEntry[]][];
  trimmed: Record<string, Trimmed>;
}

/**
 * Shallow copies of `s` to call under the store's lock, so that they match the journal offset
 * `mark` exactly; records and messages are never changed in place, so sharing them is safe.
 */
export function captureSnapshot(s: Snapshot, mark: JournalMark, historyLimit: number): Captured {
  return {
    mark,
    users: s.users.slice(),
    sessions: s.sessions.slice(),
    rooms: s.rooms.slice(),
    reads: copyMarks(s.reads),
    history: Object.entries(s.history).map(([k, v]) => [k, lastMessages(v, historyLimit)] as const),
    log: lastEntries(s.log, historyLimit),
    trimmed: trimmedAt(s, historyLimit),
  };
}

/** Write users.json, rooms.json and history.json from `snap`, atomically; resolves with bytes. */
export async function writeSnapshotFiles(dir: string, snap: Captured): Promise<number> {
  const { mark } = snap;
  let bytes = await writeFileAtomic(dir, FILES.users, [
    JSON.stringify(
      {
        users: snap.users,
        sessions: snap.sessions,
        reads: snap.reads,
        journal: mark,
      },
      null,
      2,
    ),
  ]);
  bytes += await writeFileAtomic(dir, FILES.rooms, [
    JSON.stringify({ rooms: snap.rooms, journal: mark }, null, 2),
  ]);
  bytes += await writeFileAtomic(dir, FILES.history, historyChunks(snap, mark));
  return bytes;
}

/** history.json, one history key per line, in pieces so that the event loop is not held long. */
function* historyChunks(
  snap: {
    history: (readonly [string, StoredMessage[]])[];
    log: [string, LogEntry[]][];
    trimmed: Record<string, Trimmed>;
  },
  mark: JournalMark,
): Generator<string> {
  const { history } = snap;
  let chunk = `{"journal":${JSON.stringify(mark)},"trimmed":${JSON.stringify(snap.trimmed)},"log":{`;
  for (const [i, [stream, entries]] of snap.log.entries()) {
    chunk += `${i ? "," : ""}\n${JSON.stringify(stream)}:${JSON.stringify(entries)}`;
    if (chunk.length > CHUNK_BYTES) {
      yield chunk;
      chunk = "";
    }
  }
  chunk += `\n},"history":{`;
  for (const [i, [key, messages]] of history.entries()) {
    // One call per key: stringifying message by message and joining costs about twice as much.
    chunk += `${i ? "," : ""}\n${JSON.stringify(key)}:${JSON.stringify(messages)}`;
    if (chunk.length > CHUNK_BYTES) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}\n}}\n`;
}
