/**
 * The cluster's one ordered log of changes, in a Redis Stream. An instance appends the
 * changes of one turn of its event loop as one entry, with a script that numbers it and adds
 * it atomically (the entry's id is the seq of its first event, so stream positions are the
 * cursors of protocol 2); every instance, the writer included, reads the stream in order on a
 * connection of its own and applies each change, so all hold the same state. The writer's client is answered once Redis has the change durably
 * and the writer has applied it; a change that lost a race (a name taken meanwhile) is applied
 * nowhere and its client answered `conflict`.
 */
import type { RedisClient } from "bun";
import { ChatError } from "../../shared/errors.ts";
import type { StoreOp } from "../store/store.ts";
import type { AppliedFrames, ChangeApplier, ChangeContext } from "../domain/apply-change.ts";
import type { ChangeLog } from "../domain/change-log.ts";
import { Unconfirmed } from "../domain/change-log.ts";
import { encodeEntry, numberEntry, numbersOf, parseEntry } from "./entry.ts";
import type { EntryChange } from "./entry.ts";
import { Replication } from "./replication.ts";
import { Rounds } from "./rounds.ts";
import { PositionWaits, WrittenKeys } from "./positions.ts";
import { checked, StaleRead } from "../domain/serial.ts";
import { writtenKeys } from "../domain/change-keys.ts";
import type { ChatState } from "../domain/state.ts";
import type { Logger } from "../domain/types.ts";
import { AppendScript } from "./append-script.ts";
import { KEYS } from "./keys.ts";
import { backoff } from "./connect.ts";

/** Entries read per XREAD. */
const READ_COUNT = 1000;
/** How long one blocking read waits before it asks again (ms). */
const BLOCK_MS = 1000;
/** The longest `caughtUp` waits for this instance to reach the end of the log (ms). */
const CATCH_UP_MS = 2000;
/** The most changes one entry holds. */
const ENTRY_CHANGES = 256;

/** A change written by this instance, waiting to be read back and applied. */
interface Waiting {
  ops: StoreOp[];
  ctx: ChangeContext | undefined;
  resolve: (frames: AppliedFrames) => void;
  reject: (err: Error) => void;
  /** Settles once Redis has the change's entry durably. */
  durable?: Promise<unknown>;
}

/** What the log needs besides its connections. */
export interface RedisLogOptions {
  /** This instance's id: its changes are told apart by it when read back. */
  instance: string;
  logger: Logger;
  /** Replicas that must have a change before it is acknowledged (WAIT); 0: none. */
  replicas: number;
  /** Told after each entry applied, with how many numbers it took (snapshots are taken here). */
  onApplied?: (numbers: number) => void;
  /**
   * Told when the log was trimmed past what this instance applied (it was away too long):
   * changes are missing here, and the instance must start again from a snapshot.
   */
  onBehind: (position: number, trimmedTo: number) => void;
  /** Told when an entry cannot be read (written by another version?): the instance must stop. */
  onBadEntry: (id: string) => void;
}

/** The shared log over two connections: `writer` appends, `reader` blocks on XREAD. */
export class RedisChangeLog implements ChangeLog {
  #writer: RedisClient;
  #reader: RedisClient;
  #applier: ChangeApplier;
  #opts: RedisLogOptions;
  #script: AppendScript;
  #waiting = new Map<string, Waiting>();
  #next = 0;
  #lastId: string;
  #closed = false;
  #reading: Promise<void> | null = null;
  #replication: Replication;
  /** The position of the last entry of the stream, asked in shared rounds. */
  #end: Rounds<number>;
  /** Changes of this turn, appended together at its end. */
  #batch: EntryChange[] = [];
  /** The stream id the entry after the last one applied should have (0: not known). */
  #expected = 0;
  #written = new WrittenKeys();
  #state: ChatState;
  #waits = new PositionWaits();

  /** A log read from after stream position `from` (0: the start). */
  constructor(
    writer: RedisClient,
    reader: RedisClient,
    applier: ChangeApplier,
    state: ChatState,
    from: number,
    opts: RedisLogOptions,
  ) {
    this.#state = state;
    this.#writer = writer;
    this.#reader = reader;
    this.#applier = applier;
    this.#opts = opts;
    this.#script = new AppendScript(writer);
    this.#replication = new Replication(writer, opts.replicas);
    this.#end = new Rounds(async () => {
      const last = (await writer.send("XREVRANGE", [KEYS.log, "+", "-", "COUNT", "1"])) as
        [string, string[]][] | null;
      return last?.[0] ? Number.parseInt(last[0][0], 10) : 0;
    });
    this.#lastId = `${from}-0`;
  }

  /** The stream position of the last entry applied. */
  get position(): number {
    return Number.parseInt(this.#lastId, 10);
  }

  append(ops: StoreOp[], ctx?: ChangeContext): Promise<AppliedFrames> {
    if (this.#closed) return Promise.reject(notStored());
    const id = `${this.#opts.instance}:${++this.#next}`;
    const applied = Promise.withResolvers<AppliedFrames>();
    this.#waiting.set(id, { ops, ctx, resolve: applied.resolve, reject: applied.reject });
    if (this.#batch.length === 0) setImmediate(() => this.#flush());
    // Checked under queue keys at a position: stale if another change of them comes first.
    const scope = checked();
    this.#batch.push(scope ? { id, ops, at: scope.at, reads: scope.keys } : { id, ops });
    if (this.#batch.length >= ENTRY_CHANGES) this.#flush();
    return applied.promise;
  }

  // Append the changes gathered so far as one entry. A writer is answered once its change is
  // applied and Redis has the entry durably (and the replicas, when asked).
  #flush(): void {
    const changes = this.#batch;
    if (changes.length === 0) return;
    this.#batch = [];
    const count = changes.reduce((sum, c) => sum + numbersOf(c.ops), 0);
    const durable = this.#script.append(count, encodeEntry(changes)).then(
      () => this.#replication.written(),
      // Sent, and no answer: Redis may have it (then it is applied as it is read, like any).
      // The client is told no more than that; the log has the error itself.
      (err: unknown) => {
        this.#opts.logger.error("redis_append_failed", { error: String(err) });
        return Promise.reject(new Unconfirmed("no answer from the log"));
      },
    );
    for (const change of changes) {
      const waiting = this.#waiting.get(change.id);
      if (waiting) waiting.durable = durable;
    }
    durable.catch((err: unknown) => {
      // Not acknowledged: the clients are told it may or may not have been kept.
      if (!(err instanceof Unconfirmed)) {
        this.#opts.logger.error("redis_not_replicated", { error: String(err) });
      }
      for (const change of changes) {
        const waiting = this.#waiting.get(change.id);
        if (!waiting) continue;
        this.#waiting.delete(change.id);
        waiting.reject(asChatError(err));
      }
    });
  }

  async caughtUp(): Promise<void> {
    // Asked once for every login and auth with `since` arriving meanwhile, not once each.
    const position = await this.#end.next();
    if (this.position < position) await this.#waits.until(position, CATCH_UP_MS);
  }

  /** Apply every entry up to the end of the stream now (start-up, before serving). */
  async catchUp(): Promise<void> {
    await this.#checkNotBehind();
    for (;;) {
      const reply = await this.#reader.send("XREAD", [
        "COUNT",
        String(READ_COUNT),
        "STREAMS",
        KEYS.log,
        this.#lastId,
      ]);
      if (!this.#applyReply(reply)) return;
    }
  }

  /** Start reading the stream as it grows. */
  start(): void {
    this.#reading ??= this.#readLoop();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiting.values()) w.reject(notStored());
    this.#waiting.clear();
    this.#reader.close();
    await this.#reading?.catch(() => {});
  }

  async #readLoop(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      try {
        const reply = await this.#reader.send("XREAD", [
          "BLOCK",
          String(BLOCK_MS),
          "COUNT",
          String(READ_COUNT),
          "STREAMS",
          KEYS.log,
          this.#lastId,
        ]);
        if (failures > 0) await this.#checkNotBehind();
        failures = 0;
        this.#applyReply(reply);
      } catch (err) {
        if (this.#closed) return;
        if (failures++ === 0) this.#opts.logger.error("redis_read_failed", { error: String(err) });
        // The connection comes back by itself (see keepConnected); then reading goes on.
        await Bun.sleep(backoff(failures));
      }
    }
  }

  // Apply the entries of one XREAD reply in order; false when there were none.
  #applyReply(reply: unknown): boolean {
    const entries = (reply as Record<string, [string, string[]][]> | null)?.[KEYS.log];
    if (!entries || entries.length === 0) return false;
    for (const [id, fields] of entries) {
      const first = Number.parseInt(id, 10);
      // A gap: entries were trimmed while this instance was behind, or an append half failed.
      if (this.#expected !== 0 && first !== this.#expected) void this.#checkNotBehind();
      const taken = this.#applyEntry(id, first, fields);
      this.#expected = first + taken;
      this.#lastId = id;
      this.#opts.onApplied?.(taken);
    }
    this.#waits.passed(this.position);
    return true;
  }

  // Apply each change of an entry; returns how many numbers the entry took (0: unreadable).
  #applyEntry(id: string, first: number, fields: string[]): number {
    const changes = parseEntry(fields);
    if (!changes) {
      // Skipping it would leave this instance's state apart from the others': stop instead.
      this.#opts.logger.error("redis_bad_entry", { id });
      this.#opts.onBadEntry(id);
      return 0;
    }
    numberEntry(changes, first);
    let taken = 0;
    for (const change of changes) {
      const waiting = this.#waiting.get(change.id);
      this.#waiting.delete(change.id);
      if (waiting) {
        // The writer's own op objects get their seqs too: it answers with them.
        numberEntry([{ id: change.id, ops: waiting.ops }], first + taken);
      }
      taken += numbersOf(change.ops);
      const isStale = this.#written.isStale(change);
      const refused = isStale ? new StaleRead() : this.#applier.refusal(change.ops);
      if (refused) {
        waiting?.reject(refused);
        continue;
      }
      const written = writtenKeys(this.#state, change.ops);
      const frames = this.#applier.apply(change.ops, waiting?.ctx);
      // By entry: an instance that applied the entry saw every change in it.
      this.#written.wrote(written, first);
      if (!waiting) continue;
      // Applied here; answered once Redis has it durably (at once when the reply came first).
      const durable = waiting.durable ?? Promise.resolve();
      durable.then(
        () => waiting.resolve(frames),
        (err: unknown) => waiting.reject(asChatError(err)),
      );
    }
    return taken;
  }

  // Entries before `trimmedTo` are gone from the stream: an instance that had not applied them
  // cannot go on (what it would read next does not follow what it holds).
  async #checkNotBehind(): Promise<void> {
    const trimmedTo = Number((await this.#writer.get(KEYS.trimmedTo)) ?? "0");
    if (trimmedTo > this.position) this.#opts.onBehind(this.position, trimmedTo);
  }
}

function notStored(): ChatError {
  return new ChatError("internal", "the server could not store the change; try again later");
}

function asChatError(err: unknown): ChatError {
  return err instanceof ChatError ? err : new Unconfirmed((err as Error).message ?? String(err));
}
