/** Reading a data folder at start-up: the snapshot files and the journal ops after them. */
import { join } from "node:path";
import { trimHistory } from "./trims.ts";
import { noteHistoryTrims, trimLog } from "./trims.ts";
import { readIfExists, readTextIfExists } from "./files.ts";
import type { JournalContents } from "./journal.ts";
import { parseJournal } from "./journal.ts";
import type { Loaded, Snapshot, StoreOp } from "./store.ts";
import type { JournalMark } from "./validate.ts";
import { checkHistoryFile, checkRoomsFile, checkUsersFile } from "./validate.ts";

/** Names of the files in a data folder. */
export const FILES = {
  users: "users.json",
  rooms: "rooms.json",
  history: "history.json",
  journal: "journal.jsonl",
  lock: "store.lock",
} as const;

/** What a data folder holds, read without changing anything. */
export interface DataDirContents {
  /** The snapshot files, and the journal's ops they do not contain yet. */
  loaded: Loaded;
  journal: JournalContents;
  /** Combined size of the three snapshot files. */
  snapshotBytes: number;
}

/**
 * Read the three snapshot files and the journal ops after them (each file records the journal
 * offset it contains, so no op comes twice). Missing files are empty state; a file that does
 * not parse throws an Error whose message starts with its path. Writes nothing.
 */
export async function readDataDir(dir: string, historyLimit: number): Promise<DataDirContents> {
  const users = await readJson(join(dir, FILES.users), checkUsersFile);
  const rooms = await readJson(join(dir, FILES.rooms), checkRoomsFile);
  const history = await readJson(join(dir, FILES.history), checkHistoryFile);
  const journalPath = join(dir, FILES.journal);
  const journal = parseJournal(journalPath, (await readIfExists(journalPath)) ?? Buffer.alloc(0));
  const snapshot: Snapshot = {
    users: users?.value.users ?? [],
    sessions: users?.value.sessions ?? [],
    rooms: rooms?.value.rooms ?? [],
    history: history?.value.history ?? {},
    reads: users?.value.reads ?? {},
    log: history?.value.log ?? {},
    trimmed: history?.value.trimmed ?? {},
  };
  // The limit may have been lowered since the files were written: what goes is noted.
  noteHistoryTrims(snapshot, historyLimit);
  trimHistory(snapshot.history, historyLimit);
  trimLog(snapshot, historyLimit);
  const marks: Record<StoreOp["op"], JournalMark | null | undefined> = {
    user: users?.value.journal,
    session: users?.value.journal,
    session_del: users?.value.journal,
    session_used: users?.value.journal,
    room: rooms?.value.journal,
    room_set: rooms?.value.journal,
    member: rooms?.value.journal,
    pending: rooms?.value.journal,
    msg: history?.value.journal,
    log: history?.value.journal,
    msg_edit: history?.value.journal,
    msg_delete: history?.value.journal,
    ban: rooms?.value.journal,
    invite: rooms?.value.journal,
    room_admin: rooms?.value.journal,
    read: users?.value.journal,
  };
  const tail: StoreOp[] = [];
  for (const { offset, op } of journal.entries) {
    const mark = marks[op.op];
    // Already in its file (a crash between writing the files and rotating the journal).
    if (mark && mark.gen === journal.gen && offset < mark.offset) continue;
    tail.push(op);
  }
  const snapshotBytes = (users?.bytes ?? 0) + (rooms?.bytes ?? 0) + (history?.bytes ?? 0);
  return { loaded: { snapshot, tail }, journal, snapshotBytes };
}

async function readJson<T>(
  path: string,
  check: (data: unknown) => T,
): Promise<{ value: T; bytes: number } | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  try {
    return { value: check(data), bytes: Buffer.byteLength(text) };
  } catch (err) {
    throw new Error(`${path} is malformed: ${(err as Error).message}`, { cause: err });
  }
}
