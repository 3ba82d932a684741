/** The store as the domain uses it: a refused commit logged and answered `internal`. */
import type { Store } from "../store/store.ts";
import { ChatError } from "../../shared/errors.ts";
import type { Logger } from "./types.ts";

/**
 * The store, with a refused commit (a full disk, a closed store) logged and turned into an
 * `internal` ChatError that tells the client the change was not stored.
 */
export function guardStore(store: Store, log: Logger): Store {
  return {
    close: () => store.close(),
    commit: (ops) =>
      store.commit(ops).catch((err: unknown) => {
        log.error("store_failed", { ops: ops.map((o) => o.op).join(","), error: String(err) });
        throw new ChatError("internal", "the server could not store the change; try again later");
      }),
  };
}
