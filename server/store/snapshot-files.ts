/** Compaction's side of the snapshot files: a snapshot of the state written as three files. */
import { writeFileAtomic } from "./files.ts";
import { FILES } from "./read.ts";
import type { Snapshot } from "./store.ts";
import type { JournalMark } from "./validate.ts";

/** history.json is written in pieces of about this size, letting commits run in between. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Write users.json, rooms.json and history.json from `snap`, the state as of journal position
 * `mark`, atomically; resolves with the bytes written. `snap` must not change meanwhile (a
 * copy: records and messages are never changed in place, so it may share them).
 */
export async function writeSnapshotFiles(
  dir: string,
  snap: Snapshot,
  mark: JournalMark,
): Promise<number> {
  let bytes = await writeFileAtomic(dir, FILES.users, [
    JSON.stringify(
      { users: snap.users, sessions: snap.sessions, reads: snap.reads ?? {}, journal: mark },
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
function* historyChunks(snap: Snapshot, mark: JournalMark): Generator<string> {
  const trimmed = JSON.stringify(snap.trimmed ?? {});
  let chunk = `{"journal":${JSON.stringify(mark)},"trimmed":${trimmed},"log":{`;
  let i = 0;
  for (const [stream, entries] of Object.entries(snap.log ?? {})) {
    chunk += `${i++ ? "," : ""}\n${JSON.stringify(stream)}:${JSON.stringify(entries)}`;
    if (chunk.length > CHUNK_BYTES) {
      yield chunk;
      chunk = "";
    }
  }
  chunk += `\n},"history":{`;
  i = 0;
  for (const [key, messages] of Object.entries(snap.history)) {
    // One call per key: stringifying message by message and joining costs about twice as much.
    chunk += `${i++ ? "," : ""}\n${JSON.stringify(key)}:${JSON.stringify(messages)}`;
    if (chunk.length > CHUNK_BYTES) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}\n}}\n`;
}
