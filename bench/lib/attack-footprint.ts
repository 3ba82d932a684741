/**
 * What an attack left on the server: its memory (peak during the attack, and after), its
 * data folder, what it wrote to disk, how much its log grew, and which connections it closed
 * (by close code, read from its log).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { rssBytes, writtenBytes } from "../../tests/helpers/process.ts";

/** The server's footprint after an attack, against the moment it began. */
export interface Footprint {
  rssAfter: number;
  rssPeak: number;
  dataBytes: number;
  dataGrowth: number;
  diskWritten: number;
  logGrowth: number;
  /** Connections the server closed, by close code: `6 x 4029`, or "none". */
  closed: string;
}

/** Bytes of the files under `dir`, server.log aside (it is reported on its own). */
function dataSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name === "server.log") continue;
    total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Connections the server closed since byte `from` of its log, by close code. */
function closesInLog(log: string, from: number): string {
  let text: string;
  try {
    text = readFileSync(log).subarray(from).toString("utf8");
  } catch {
    return "no log";
  }
  const codes = new Map<string, number>();
  for (const m of text.matchAll(/ disconnect .*code=(\d+)/g)) {
    // 1000/1005/1006: the client closed or dropped the connection, not the server.
    if (!["1000", "1005", "1006"].includes(m[1]!)) codes.set(m[1]!, (codes.get(m[1]!) ?? 0) + 1);
  }
  const parts = [...codes].map(([code, n]) => `${n.toLocaleString("en-US")} x ${code}`);
  return parts.join(", ") || "none";
}

/** Watches one server from the start of an attack. */
export class FootprintWatch {
  #pid: number;
  #dataDir: string;
  #log: string;
  #data: number;
  #logAt: number;
  #written: number;
  #peak = 0;
  #sampler: ReturnType<typeof setInterval>;

  /** Take the "before" figures of server `pid` with data folder `dataDir` now. */
  constructor(pid: number, dataDir: string) {
    this.#pid = pid;
    this.#dataDir = dataDir;
    this.#log = join(dataDir, "server.log");
    this.#data = dataSize(dataDir);
    this.#logAt = fileSize(this.#log);
    this.#written = writtenBytes(pid).disk;
    this.#sampler = setInterval(() => {
      this.#peak = Math.max(this.#peak, rssBytes(pid) ?? 0);
    }, 200);
  }

  /** Stop watching and return the figures since the start. */
  finish(): Footprint {
    clearInterval(this.#sampler);
    const rssAfter = rssBytes(this.#pid) ?? NaN;
    const dataBytes = dataSize(this.#dataDir);
    return {
      rssAfter,
      rssPeak: Math.max(this.#peak, rssAfter || 0),
      dataBytes,
      dataGrowth: dataBytes - this.#data,
      diskWritten: writtenBytes(this.#pid).disk - this.#written,
      logGrowth: fileSize(this.#log) - this.#logAt,
      closed: closesInLog(this.#log, this.#logAt),
    };
  }

  /** Stop watching (after a failure). */
  cancel(): void {
    clearInterval(this.#sampler);
  }
}
