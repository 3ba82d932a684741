/** The keys and channels a cluster keeps in its Redis. */
export const KEYS = {
  /** The Stream of changes. */
  log: "chat:log",
  /** The last seq given out (the script numbers changes with it). */
  seq: "chat:seq",
  /** The latest snapshot of the state (JSON) and the stream position it holds. */
  snapshot: "chat:snapshot",
  /** The stream position the latest snapshot holds. */
  snapshotAt: "chat:snapshot:at",
  /** Held by the instance writing a snapshot. */
  snapshotLock: "chat:snapshot:lock",
  /** Entries before this position were trimmed from the log. */
  trimmedTo: "chat:trimmed-to",
  /** Each instance's heartbeat: instance -> the time it was last heard of (ms). */
  instances: "chat:instances",
} as const;

/** The pub/sub channel of passing signals (typing, presence) between instances. */
export const SIGNALS = "chat:signals";
