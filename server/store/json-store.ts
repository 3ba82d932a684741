/** The store on disk: a journal with group commit, compacted into JSON snapshot files. */
import { mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { applyOp, lastMessages } from "./apply.ts";
import { lastEntries, trimmedAt } from "./apply-log.ts";
import { lockFile } from "./files.ts";
import { Journal } from "./journal.ts";
import { FILES, readDataDir, trimSlack } from "./read.ts";
import { copyMarks } from "./reads.ts";
import { captureSnapshot, writeSnapshotFiles } from "./snapshot-files.ts";
import type { Snapshot, Store, StoreOp } from "./store.ts";

const DEFAULT_COMPACT_BYTES = 8 * 1024 * 1024;

/** Options of the JSON file store. */
export interface JsonFileStoreOptions {
  /** Messages kept per history key. */
  historyLimit: number;
  /** Compact once the journal passes this size (or the snapshot's size, if larger). */
  compactBytes?: number;
  /** Told when a background compaction fails (the journal still holds everything). */
  onCompactError?: (err: Error) => void;
}

/** The commits of one group commit: their journal lines, their ops and one shared promise. */
interface Batch {
  text: string;
  ops: StoreOp[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newBatch(): Batch {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  return { text: "", ops: [], done: promise, resolve, reject };
}

/**
 * The state in users.json, rooms.json and history.json, plus journal.jsonl for what changed
 * since they were written. A commit appends its ops to the journal (one write and one fsync
 * for everything committed in the same tick) and resolves after the fsync. The store keeps its
 * own copy of the state, so once the journal outgrows the snapshot it rewrites the three files
 * atomically in the background and starts a new, short journal. Each snapshot file records the
 * journal generation and offset it contains, so replay at startup never applies an op twice.
 * Committed messages are kept by reference: treat them as immutable.
 */
export class JsonFileStore implements Store {
  readonly #dir: string;
  readonly #historyLimit: number;
  readonly #compactBytes: number;
  readonly #onCompactError: (err: Error) => void;
  #state: Snapshot | null = null;
  #journal: Journal | null = null;
  #unlock: (() => Promise<void>) | null = null;
  #opening: Promise<void> | null = null;
  /** Commits waiting for the next write; null when there are none. */
  #queue: Batch | null = null;
  #scheduled = false;
  #writing: Promise<void> | null = null;
  /** Serialises journal appends, state changes and rotations. */
  #lock: Promise<unknown> = Promise.resolve();
  #compacting: Promise<void> | null = null;
  #snapshotBytes = 0;
  /** After a failed compaction, wait for this journal size before trying again. */
  #retryCompactAt = 0;
  #closing: Promise<void> | null = null;

  /** A store in folder `dir` (created on load when missing). */
  constructor(dir: string, opts: JsonFileStoreOptions) {
    this.#dir = dir;
    this.#historyLimit = opts.historyLimit;
    this.#compactBytes = opts.compactBytes ?? DEFAULT_COMPACT_BYTES;
    this.#onCompactError =
      opts.onCompactError ?? ((err) => console.error(`storage compaction failed: ${err.message}`));
  }

  /** Read the snapshot files and replay the journal. Throws, naming the file, on bad data. */
  async load(): Promise<Snapshot> {
    await this.#open();
    return copyOut(this.#state!, this.#historyLimit);
  }

  /**
   * Append the ops to the journal; resolves once they are fsync'd. Every commit of one group
   * commit gets the same promise (one per batch, not one per commit).
   */
  commit(ops: StoreOp[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("the store is closed"));
    if (ops.length === 0) return Promise.resolve();
    // Serialise now: the caller may change its objects after this call.
    let text = "";
    try {
      for (const op of ops) text += `${JSON.stringify(op)}\n`;
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.#state) return this.#enqueue(text, ops);
    const kept = ops.map(keep); // copied now: the caller may change them while the store opens
    return this.#open().then(() => this.#enqueue(text, kept));
  }

  #enqueue(text: string, ops: StoreOp[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("the store is closed"));
    const batch = (this.#queue ??= newBatch());
    batch.text += text;
    for (const op of ops) batch.ops.push(keep(op));
    this.#schedule();
    return batch.done;
  }

  /** Wait for pending writes, compact into the three files, release the journal. */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => {}); // nothing to flush if it failed
    if (!this.#journal) return;
    this.#flush();
    while (this.#writing) await this.#writing;
    await this.#compacting;
    try {
      if (this.#journal.size > this.#journal.headerBytes) await this.#compact();
    } finally {
      await this.#journal.close();
      await this.#unlock?.();
    }
  }

  #open(): Promise<void> {
    this.#opening ??= this.#read().catch((err) => {
      this.#opening = null;
      throw err;
    });
    return this.#opening;
  }

  async #read(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const unlock = await lockFile(join(this.#dir, FILES.lock));
    try {
      const { state, journal, snapshotBytes } = await readDataDir(this.#dir, this.#historyLimit);
      // Everything was read and is valid: only now may files be touched.
      this.#journal = await Journal.open(join(this.#dir, FILES.journal), journal);
      for (const name of [FILES.users, FILES.rooms, FILES.history, FILES.journal]) {
        // Temp files of a compaction cut short by a crash; the lock says no one else writes.
        await unlink(join(this.#dir, `${name}.tmp`)).catch(() => {});
      }
      this.#snapshotBytes = snapshotBytes;
      this.#state = state;
      this.#unlock = unlock;
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn);
    this.#lock = run.catch(() => {}); // the caller of `run` handles its failure
    return run;
  }

  /** Let every commit of this tick join the batch, then write it. */
  #schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  /** Write the queued commits as one batch; commits arriving meanwhile form the next one. */
  #flush(): void {
    const batch = this.#queue;
    if (this.#writing || batch === null) return;
    this.#queue = null;
    this.#writing = this.#writeBatch(batch).finally(() => {
      this.#writing = null;
      this.#flush();
    });
  }

  async #writeBatch(batch: Batch): Promise<void> {
    const journal = this.#journal!;
    const bytes = Buffer.from(batch.text);
    try {
      await this.#exclusive(async () => {
        await journal.append(bytes);
        // No id index: a live commit's id is new (see isRepeat), and an index of every stored
        // id would be one more large structure for the garbage collector to walk.
        const opts = { trimSlack: trimSlack(this.#historyLimit) };
        for (const op of batch.ops) applyOp(this.#state!, op, this.#historyLimit, opts);
      });
    } catch (err) {
      const error = new Error(
        `cannot write ${join(this.#dir, FILES.journal)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
      batch.reject(error);
      return;
    }
    batch.resolve();
    this.#maybeCompact();
  }

  #maybeCompact(): void {
    const journal = this.#journal!;
    if (this.#compacting || this.#closing) return;
    const limit = Math.max(this.#compactBytes, this.#snapshotBytes, this.#retryCompactAt);
    if (journal.size <= limit) return;
    this.#compacting = this.#compact()
      .catch((err: Error) => {
        this.#retryCompactAt = journal.size + this.#compactBytes;
        this.#onCompactError(err);
      })
      .finally(() => {
        this.#compacting = null;
      });
  }

  /** Write the three files from the state as of now, then drop what they hold from the journal. */
  async #compact(): Promise<void> {
    const journal = this.#journal!;
    const snap = await this.#exclusive(async () =>
      captureSnapshot(this.#state!, { gen: journal.gen, offset: journal.size }, this.#historyLimit),
    );
    const bytes = await writeSnapshotFiles(this.#dir, snap);
    await journal.rotate(snap.mark.offset, (step) => this.#exclusive(step));
    this.#snapshotBytes = bytes;
    this.#retryCompactAt = 0;
  }
}

/** What the store keeps of a committed op: messages by reference (never changed), records copied. */
function keep(op: StoreOp): StoreOp {
  return op.op === "msg" ? op : structuredClone(op);
}

/** A copy the caller may change freely; messages are shared (they are never changed). */
function copyOut(state: Snapshot, historyLimit: number): Snapshot {
  const copy: Snapshot = {
    users: structuredClone(state.users),
    sessions: structuredClone(state.sessions),
    rooms: structuredClone(state.rooms),
    history: Object.fromEntries(
      Object.entries(state.history).map(([k, v]) => [k, lastMessages(v, historyLimit)]),
    ),
  };
  if (Object.keys(state.reads ?? {}).length > 0) copy.reads = copyMarks(state.reads);
  if (Object.keys(state.log ?? {}).length > 0) {
    copy.log = Object.fromEntries(lastEntries(state.log, historyLimit));
  }
  const trimmed = trimmedAt(state, historyLimit);
  if (Object.keys(trimmed).length > 0) copy.trimmed = trimmed;
  return copy;
}
