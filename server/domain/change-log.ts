/**
 * The ordered log of changes as the domain writes to it: a change is made durable, then
 * applied (see ChangeApplier) in log order, and only then answered. One server keeps the log
 * in its store (`LocalChangeLog`); in a cluster every instance reads one shared log.
 */
import { ChatError } from "../../shared/errors.ts";
import type { Store, StoreOp } from "../store/store.ts";
import type { AppliedFrames, ChangeApplier, ChangeContext } from "./apply-change.ts";
import type { EventLog } from "./event-log.ts";

/**
 * A change sent to the log whose storing was not confirmed (no answer, or fewer replicas than
 * asked): it may have been kept, so the client is told to look before making it again.
 */
export class Unconfirmed extends ChatError {
  /** Not confirmed, for the reason `why`. */
  constructor(why: string) {
    super("internal", `the change was not confirmed (${why}); it may or may not have been kept`);
  }
}

/** Where the domain appends its changes. */
export interface ChangeLog {
  /**
   * Number the change's events (in the given op objects: a `msg` op's message and a `log`
   * op's entry get their `seq`), make it durable and apply it in log order; resolves with the
   * frames its ops were published as. Rejects, with nothing applied, when the store refuses
   * it (`internal`) or another change won a race for the same name (`conflict`). Call it
   * inside the change's lock, after every check.
   */
  append(ops: StoreOp[], ctx?: ChangeContext): Promise<AppliedFrames>;
  /**
   * Resolves once this process has applied every change made anywhere before the call (a
   * cursor from another instance is then known here); null when there is nothing to wait for.
   */
  caughtUp(): Promise<void> | null;
  /** The position of the state as applied so far (what a change's checks read). */
  readonly position: number;
  /** Stop reading or writing (server stop). */
  close(): Promise<void>;
}

/**
 * The log of one server: numbered here, in the order of `append` calls, which is the order
 * the store writes and resolves them in, so changes are applied in the order they are numbered.
 */
export class LocalChangeLog implements ChangeLog {
  #store: Store;
  #log: EventLog;
  #applier: ChangeApplier;

  #failed: (ops: readonly StoreOp[], err: unknown) => ChatError;

  /**
   * A log written to `store`, numbered by `log`, applied by `applier`; `failed` turns a commit
   * the store refused into what the client is told (see storeFailure).
   */
  constructor(
    store: Store,
    log: EventLog,
    applier: ChangeApplier,
    failed: (ops: readonly StoreOp[], err: unknown) => ChatError,
  ) {
    this.#store = store;
    this.#log = log;
    this.#applier = applier;
    this.#failed = failed;
  }

  append(ops: StoreOp[], ctx?: ChangeContext): Promise<AppliedFrames> {
    // Checked in the same step as it is numbered and written: nothing can come in between.
    const refused = this.#applier.refusal(ops);
    if (refused) return Promise.reject(refused);
    numberEvents(ops, () => this.#log.take());
    this.#applier.encode(ops);
    return this.#store.commit(ops).then(
      () => this.#applier.apply(ops, ctx),
      (err: unknown) => {
        throw this.#failed(ops, err);
      },
    );
  }

  caughtUp(): null {
    return null; // this process writes the whole log
  }

  get position(): number {
    return this.#log.position;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Give each event of a change (a message, a log entry) its position, in order. */
export function numberEvents(ops: StoreOp[], next: () => number): void {
  for (const op of ops) {
    if (op.op === "msg") op.message.seq = next();
    else if (op.op === "log") op.entry.seq = next();
  }
}
