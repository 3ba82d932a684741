/** The store on disk: a journal with group commit, compacted into JSON snapshot files. */
import { mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { lockFile, MAX_BYTES_PER_UNIT } from "./files.ts";
import { Journal, journalLine } from "./journal.ts";
import { FILES, readDataDir } from "./read.ts";
import { writeSnapshotFiles } from "./snapshot-files.ts";
import type { Loaded, Snapshot, Store, StoreOp } from "./store.ts";
import type { JournalMark } from "./validate.ts";

const DEFAULT_COMPACT_BYTES = 8 * 1024 * 1024;
/** A batch's buffer starts at this size and doubles as its lines need. */
const BATCH_START_BYTES = 64 * 1024;
/** A written batch's buffer is kept for the next one up to this size (a burst's is let go). */
const BATCH_KEEP_BYTES = 4 * 1024 * 1024;

/** Options of the JSON file store. */
export interface JsonFileStoreOptions {
  /** Messages kept per history key. */
  historyLimit: number;
  /** Compact once the journal passes this size (or the snapshot's size, if larger). */
  compactBytes?: number;
  /** Told when a background compaction fails (the journal still holds everything). */
  onCompactError?: (err: Error) => void;
}

/**
 * The commits of one group commit: their journal lines, encoded as they come into `bytes` (up
 * to `length`), and one shared promise. Encoding each line into a buffer kept from batch to
 * batch costs no concatenated text and no new buffer per write, both as large as the batch.
 */
interface Batch {
  bytes: Buffer;
  length: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newBatch(bytes: Buffer): Batch {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  return { bytes, length: 0, done: promise, resolve, reject };
}

/** Append `line` and a newline to the batch's bytes, growing them when it might not fit. */
function addLine(batch: Batch, line: string): void {
  const most = line.length * MAX_BYTES_PER_UNIT + 1;
  if (batch.length + most > batch.bytes.length) {
    const bigger = Buffer.allocUnsafe(Math.max(batch.bytes.length * 2, batch.length + most));
    batch.bytes.copy(bigger, 0, 0, batch.length);
    batch.bytes = bigger;
  }
  batch.length += batch.bytes.write(line, batch.length);
  batch.bytes[batch.length++] = 0x0a;
}

/**
 * The state in users.json, rooms.json and history.json, plus journal.jsonl for what changed
 * since they were written. A commit appends its ops to the journal (one write and one fsync
 * for everything committed in the same tick) and resolves after the fsync. The store keeps no
 * copy of the state: `load` hands over the snapshot files and the journal ops after them, and
 * compaction, once the journal outgrows the snapshot, writes the three files atomically in the
 * background from the snapshot source given to `attach` (the state of whoever applies the
 * commits), then starts a new, short journal. Each snapshot file records the journal generation
 * and offset it contains, so that loading never hands over an op twice.
 *
 * Why a snapshot matches its offset exactly: the committer applies a batch's ops in the
 * reactions of the batch's promise, which all run in the microtasks that follow its
 * resolution. The store records the journal position of the last resolved batch as it
 * resolves it, and takes a snapshot only in a later macrotask (setImmediate), synchronously:
 * by then every reaction of every resolved batch has run, no batch can resolve in between, and
 * a batch not yet resolved has applied nothing.
 */
export class JsonFileStore implements Store {
  readonly #dir: string;
  readonly #historyLimit: number;
  readonly #compactBytes: number;
  readonly #onCompactError: (err: Error) => void;
  /** The state of whoever applies the commits, as a snapshot (see `attach`). */
  #source: (() => Snapshot) | null = null;
  /** What `load` hands over, until it does. */
  #loaded: Loaded | null = null;
  #isLoaded = false;
  /** The journal position up to which the source's state holds every op: the last batch resolved. */
  #applied: JournalMark = { gen: "", offset: 0 };
  #journal: Journal | null = null;
  #unlock: (() => Promise<void>) | null = null;
  #opening: Promise<void> | null = null;
  /** Commits waiting for the next write; null when there are none. */
  #queue: Batch | null = null;
  /** The buffer of the last batch written, for the next batch. */
  #spare: Buffer | null = null;
  #scheduled = false;
  #writing: Promise<void> | null = null;
  /** Serialises journal appends and rotations. */
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

  /**
   * Read the snapshot files and the journal: the snapshot and the ops committed after it, to be
   * applied in order. Call it once, before any commit. Throws, naming the file, on bad data.
   */
  async load(): Promise<Loaded> {
    if (this.#isLoaded) throw new Error("the store was loaded already");
    await this.#open();
    this.#isLoaded = true;
    const loaded = this.#loaded!;
    this.#loaded = null;
    return loaded;
  }

  /**
   * Give compaction its snapshots: `source` returns the state that the snapshot files and the
   * ops committed since hold (the loaded state with every resolved commit applied, each in the
   * reactions of its commit's promise), as a copy that later changes leave alone. Until then
   * the store does not compact.
   */
  attach(source: () => Snapshot): void {
    this.#source = source;
  }

  /**
   * Append the ops to the journal; resolves once they are fsync'd. Every commit of one group
   * commit gets the same promise (one per batch, not one per commit).
   */
  commit(ops: StoreOp[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("the store is closed"));
    if (ops.length === 0) return Promise.resolve();
    // Serialise now: the caller may change its objects after this call. Every op first, so
    // that one that cannot be serialised leaves none of the commit in the batch.
    let lines: string[];
    try {
      lines = ops.map(journalLine);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.#journal) return this.#enqueue(lines);
    return this.#open().then(() => this.#enqueue(lines));
  }

  #enqueue(lines: readonly string[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("the store is closed"));
    if (!this.#queue) {
      this.#queue = newBatch(this.#spare ?? Buffer.allocUnsafe(BATCH_START_BYTES));
      this.#spare = null;
    }
    for (const line of lines) addLine(this.#queue, line);
    this.#schedule();
    return this.#queue.done;
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
      const { loaded, journal, snapshotBytes } = await readDataDir(this.#dir, this.#historyLimit);
      // Everything was read and is valid: only now may files be touched.
      this.#journal = await Journal.open(join(this.#dir, FILES.journal), journal);
      for (const name of [FILES.users, FILES.rooms, FILES.history, FILES.journal]) {
        // Temp files of a compaction cut short by a crash; the lock says no one else writes.
        await unlink(join(this.#dir, `${name}.tmp`)).catch(() => {});
      }
      this.#snapshotBytes = snapshotBytes;
      this.#loaded = loaded;
      this.#applied = { gen: this.#journal.gen, offset: this.#journal.size };
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
    const bytes = batch.bytes.subarray(0, batch.length);
    try {
      await this.#exclusive(() => journal.append(bytes));
    } catch (err) {
      this.#release(batch);
      const error = new Error(
        `cannot write ${join(this.#dir, FILES.journal)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
      batch.reject(error);
      return;
    }
    this.#release(batch);
    // Read with no await since the append: a rotation changes gen and size together.
    this.#applied = { gen: journal.gen, offset: journal.size };
    batch.resolve();
    this.#maybeCompact();
  }

  /** The batch was written (or failed): its buffer may hold the next batch. */
  #release(batch: Batch): void {
    if (batch.bytes.length <= BATCH_KEEP_BYTES) this.#spare = batch.bytes;
  }

  #maybeCompact(): void {
    const journal = this.#journal!;
    if (this.#compacting || this.#closing || !this.#source) return;
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

  /**
   * Write the three files from the source's state, then drop what they hold from the journal.
   * See the class comment for why the state matches the journal position recorded with it.
   */
  async #compact(): Promise<void> {
    const source = this.#source;
    if (!source) return;
    await new Promise((resolve) => setImmediate(resolve));
    const mark = this.#applied;
    const snapshot = source();
    const journal = this.#journal!;
    const bytes = await writeSnapshotFiles(this.#dir, snapshot, mark);
    await journal.rotate(mark.offset, (step) =>
      this.#exclusive(async () => {
        try {
          await step();
        } finally {
          this.#rebase(mark);
        }
      }),
    );
    this.#snapshotBytes = bytes;
    this.#retryCompactAt = 0;
  }

  /**
   * After the journal was rotated to start at `from`: the applied position, still in the old
   * generation when no batch resolved since, moved to the new one (everything past `from` was
   * copied over, in order).
   */
  #rebase(from: JournalMark): void {
    const journal = this.#journal!;
    if (journal.gen === from.gen || this.#applied.gen !== from.gen) return;
    const offset = journal.headerBytes + (this.#applied.offset - from.offset);
    this.#applied = { gen: journal.gen, offset };
  }
}
