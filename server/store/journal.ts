/**
 * The append-only journal: a header line `{"journal":"<gen>"}` naming this generation of the
 * file, then one JSON StoreOp per line. Compaction replaces the file with a new generation
 * holding only the ops the snapshot files do not contain yet.
 */
import type { FileHandle } from "node:fs/promises";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { FILE_MODE, fsyncDir, writeFileAtomic } from "./files.ts";
import { ENCODED } from "./store.ts";
import type { StoreOp } from "./store.ts";
import { journalOp } from "./validate.ts";

/** One op read back from the journal, with the byte offset where its line starts. */
export interface JournalEntry {
  offset: number;
  op: StoreOp;
}

/** What a journal file held when it was read. */
export interface JournalContents {
  gen: string | null;
  entries: JournalEntry[];
  /** Bytes up to the end of the last complete, valid line. */
  validBytes: number;
  totalBytes: number;
}

const NEWLINE = 0x0a;
/** Rotation copies the journal's tail in pieces of this size. */
const COPY_CHUNK = 1024 * 1024;

/**
 * Parse journal bytes. A last line that is incomplete or invalid was never acknowledged (the
 * write or the fsync did not finish) and is left out; an invalid line before it is corruption.
 */
export function parseJournal(path: string, buf: Buffer): JournalContents {
  const out: JournalContents = { gen: null, entries: [], validBytes: 0, totalBytes: buf.length };
  let pos = 0;
  for (let lineNo = 1; pos < buf.length; lineNo++) {
    const nl = buf.indexOf(NEWLINE, pos);
    if (nl < 0) break; // no newline: a torn last line
    const text = buf.toString("utf8", pos, nl);
    const parsed = text === "" ? undefined : parseLine(text, lineNo === 1);
    if (parsed === null) {
      if (nl + 1 === buf.length) break;
      throw new Error(`${path}: line ${lineNo} is not a valid journal entry`);
    }
    if (typeof parsed === "string") out.gen = parsed;
    else if (parsed) out.entries.push({ offset: pos, op: parsed });
    pos = nl + 1;
    out.validBytes = pos;
  }
  return out;
}

/**
 * A StoreOp, a generation (header), undefined for an op of an older version that is ignored
 * now, or null when the line is not valid.
 */
function parseLine(text: string, isFirst: boolean): StoreOp | string | null | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const op = journalOp(value);
  if (op === "obsolete") return undefined;
  if (op) return op;
  if (isFirst && typeof value === "object" && value !== null && "journal" in value) {
    return typeof value.journal === "string" ? value.journal : null;
  }
  return null;
}

/**
 * The journal line of `op`: its JSON, except for a message whose event was encoded already,
 * whose line holds that text as `event` (with the sender's `clientId`, which the event does
 * not carry; its key is the event's room or DM pair): each message is encoded once, for the
 * wire and the disk.
 */
export function journalLine(op: StoreOp): string {
  if (op.op === "msg") {
    const event = op[ENCODED];
    if (event !== undefined) {
      const id = op.message.clientId;
      if (id === undefined) return `{"op":"msg","event":${event}}`;
      return `{"op":"msg","clientId":${JSON.stringify(id)},"event":${event}}`;
    }
  }
  return JSON.stringify(op);
}

function headerLine(gen: string): string {
  return `${JSON.stringify({ journal: gen })}\n`;
}

/** The open journal file; one append or rotation at a time (the caller serialises them). */
export class Journal {
  /** The generation written in the header line. */
  gen: string;
  /** Bytes known to be complete and fsync'd. */
  size: number;
  /** Size of the header line: a journal of this size holds no ops. */
  headerBytes = 0;
  readonly #path: string;
  #fh: FileHandle | null = null;
  /** A failed append may have left bytes past `size`; cut them before the next append. */
  #dirty = false;

  private constructor(path: string, gen: string, size: number) {
    this.#path = path;
    this.gen = gen;
    this.size = size;
  }

  /** Open the journal that was read as `contents`, cutting off a torn last line. */
  static async open(path: string, contents: JournalContents): Promise<Journal> {
    if (contents.gen === null) {
      // A new (or headerless) journal: start a generation, keeping any valid lines.
      const journal = new Journal(path, "", 0);
      const old = contents.validBytes > 0 ? await readRange(path, 0, contents.validBytes) : null;
      await journal.#replace(old ?? new Uint8Array(0));
      return journal;
    }
    const journal = new Journal(path, contents.gen, contents.validBytes);
    journal.headerBytes = Buffer.byteLength(headerLine(contents.gen));
    const fh = await journal.#handle();
    if (contents.validBytes < contents.totalBytes) {
      await fh.truncate(contents.validBytes);
      await fh.sync();
    }
    return journal;
  }

  /** Append bytes (whole lines) and fsync. On failure nothing of them remains in the file. */
  async append(bytes: Uint8Array): Promise<void> {
    const fh = await this.#handle();
    if (this.#dirty) await this.#cut(fh);
    try {
      await writeAll(fh, bytes);
      await fh.sync();
    } catch (err) {
      this.#dirty = true;
      // Best effort now; if the disk refuses even this, the next append retries first.
      await this.#cut(fh).catch(() => {});
      throw err;
    }
    this.size += bytes.length;
  }

  /**
   * Start a new generation holding only the bytes from `from` on (what a snapshot lacks). Most
   * of them are copied while appends go on; `exclusive` runs the short last step (copy what was
   * appended meanwhile, rename over the journal) with appends held back.
   */
  async rotate(from: number, exclusive: (step: () => Promise<void>) => Promise<void>) {
    const gen = crypto.randomUUID();
    const header = Buffer.from(headerLine(gen));
    const temp = `${this.#path}.tmp`;
    const fh = await open(temp, "w", FILE_MODE);
    let isOpen = true;
    let copied = from;
    const copyUpTo = async (end: number) => {
      for (; copied < end; copied = Math.min(end, copied + COPY_CHUNK)) {
        await writeAll(fh, await readRange(this.#path, copied, Math.min(end, copied + COPY_CHUNK)));
      }
    };
    try {
      await fh.chmod(FILE_MODE);
      await writeAll(fh, header);
      await copyUpTo(this.size);
      await exclusive(async () => {
        await copyUpTo(this.size);
        await fh.sync();
        isOpen = false;
        await fh.close();
        await rename(temp, this.#path);
        this.gen = gen;
        this.headerBytes = header.length;
        this.size = header.length + (copied - from);
        this.#dirty = false;
        const old = this.#fh;
        this.#fh = null;
        await old?.close();
        await fsyncDir(dirname(this.#path));
      });
    } catch (err) {
      if (isOpen) await fh.close();
      if (this.gen !== gen) await unlink(temp).catch(() => {}); // gone already if renamed
      throw err;
    }
  }

  /** Release the file. */
  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = null;
    await fh?.close();
  }

  async #replace(body: Uint8Array): Promise<void> {
    const gen = crypto.randomUUID();
    const header = headerLine(gen);
    await writeFileAtomic(dirname(this.#path), basename(this.#path), [header, body]);
    this.gen = gen;
    this.headerBytes = Buffer.byteLength(header);
    this.size = this.headerBytes + body.length;
    this.#dirty = false;
    const old = this.#fh;
    this.#fh = null;
    await old?.close();
  }

  async #handle(): Promise<FileHandle> {
    if (!this.#fh) {
      const fh = await open(this.#path, "a", FILE_MODE);
      try {
        await fh.chmod(FILE_MODE);
      } catch (err) {
        await fh.close();
        throw err;
      }
      this.#fh = fh;
    }
    return this.#fh;
  }

  async #cut(fh: FileHandle): Promise<void> {
    await fh.truncate(this.size);
    await fh.sync();
    this.#dirty = false;
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await fh.write(bytes, done)).bytesWritten;
}

async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(end - start);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await fh.read(buf, done, buf.length - done, start + done);
      if (bytesRead === 0) throw new Error(`${path}: shorter than expected`);
      done += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}
