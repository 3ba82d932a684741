/** A commit the store refused, as the domain tells it: logged, and answered `internal`. */
import type { StoreOp } from "../store/store.ts";
import { ChatError } from "../../shared/errors.ts";
import type { Logger } from "./types.ts";

/**
 * What a refused commit (a full disk, a closed store) becomes: logged, and turned into an
 * `internal` ChatError that tells the client the change was not stored.
 */
export function storeFailure(log: Logger): (ops: readonly StoreOp[], err: unknown) => ChatError {
  return (ops, err) => {
    log.error("store_failed", { ops: ops.map((o) => o.op).join(","), error: String(err) });
    return new ChatError("internal", "the server could not store the change; try again later");
  };
}
