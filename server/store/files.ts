/** File system helpers of the store: atomic writes, fsync, modes of files and folders. */
import { constants } from "node:fs";
import { chmod, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The most UTF-8 bytes one UTF-16 code unit of a string can take (a buffer that big fits it). */
export const MAX_BYTES_PER_UNIT = 3;

/** Mode of every file the store writes. */
export const FILE_MODE = 0o600;

/** fsync a folder, so that a rename or a new file in it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Replace `dir/name` atomically with the concatenated chunks: write a temp file in the same
 * folder, fsync it, rename it over the target, fsync the folder. A crash at any instant leaves
 * the old file or the new one, never a torn one. Returns the bytes written.
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<number> {
  const target = join(dir, name);
  const temp = `${target}.tmp`;
  let bytes = 0;
  // Text is encoded into one buffer, reused for each chunk once the last one is written (a
  // snapshot is many chunks: a new buffer each time is as many large allocations).
  let scratch: Buffer | null = null;
  const fh = await open(temp, "w", FILE_MODE);
  try {
    // A temp file left by a crash keeps its old mode when reopened.
    await fh.chmod(FILE_MODE);
    for await (const chunk of chunks) {
      let buf: Uint8Array;
      if (typeof chunk === "string") {
        const most = chunk.length * MAX_BYTES_PER_UNIT;
        if (!scratch || scratch.length < most) scratch = Buffer.allocUnsafe(most);
        buf = scratch.subarray(0, scratch.write(chunk));
      } else buf = chunk;
      let done = 0;
      while (done < buf.length) done += (await fh.write(buf, done)).bytesWritten;
      bytes += buf.length;
    }
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(temp).catch(() => {}); // the write already failed; a leftover temp is harmless
    throw err;
  }
  await fh.close();
  await rename(temp, target);
  await fsyncDir(dir);
  return bytes;
}

/** The contents of a file, or null when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
}

/**
 * The text of a UTF-8 file, or null when it does not exist. Decoded as it is read: about half
 * the time of reading a Buffer and decoding it, for the snapshot files read at start-up.
 */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
}

/** Mode of the data folder: only its owner may list or enter it. */
export const DIR_MODE = 0o700;

/**
 * Make a data folder that this user owns mode 0700 when it is looser (a folder that came with a
 * checkout is 0755). Returns the old mode when it was changed, else null; a folder of another
 * owner is left alone (its owner chose its mode).
 */
export async function restrictDir(dir: string): Promise<number | null> {
  const info = await stat(dir);
  const mode = info.mode & 0o777;
  if ((mode & 0o077) === 0 || info.uid !== process.getuid?.()) return null;
  await chmod(dir, DIR_MODE);
  return mode;
}

/** Lock files held by this process. */
const held = new Set<string>();

/**
 * Who wrote a lock file: a pid, and where the system tells (Linux /proc) the process's start in
 * clock ticks after boot and the boot's id. A pid alone is not enough: after a crash and a
 * restart (of a container, say) the same pid often belongs to another, unrelated process.
 */
interface LockOwner {
  pid: number;
  start: string | null;
  boot: string | null;
}

/**
 * Take the lock file `path` for this process, so that two servers never write one data folder.
 * A lock whose owner is gone (killed) is taken over, also when its pid now belongs to another
 * process. Returns the release function.
 */
export async function lockFile(path: string): Promise<() => Promise<void>> {
  const key = resolve(path);
  if (held.has(key)) throw new Error(`${path}: the data folder is already open in this process`);
  const me = await describe(process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, "wx", FILE_MODE);
      try {
        const second = me.start === null ? "" : `${me.start} ${me.boot ?? "-"}\n`;
        await fh.writeFile(`${me.pid}\n${second}`);
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      const owner = parseLock(await readFile(path, "utf8").catch(() => ""));
      if (owner && (await isLockOwnerAlive(path, owner))) {
        throw new Error(`${path}: the data folder is in use by process ${owner.pid}`);
      }
      await unlink(path).catch(() => {}); // stale: its process is gone; a lost race shows as EEXIST
    }
  }
  held.add(key);
  return async () => {
    held.delete(key);
    await unlink(path).catch(() => {}); // already gone is fine
  };
}

function parseLock(text: string): LockOwner | null {
  const [first = "", second = ""] = text.split("\n");
  const pid = Number.parseInt(first, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  const [start, boot] = second.trim().split(" ");
  return { pid, start: start || null, boot: boot && boot !== "-" ? boot : null };
}

/** What a lock written by process `pid` now would say. */
async function describe(pid: number): Promise<LockOwner> {
  return { pid, start: await processStart(pid), boot: await bootId() };
}

/** Whether the process that wrote the lock at `path` is still running. */
async function isLockOwnerAlive(path: string, owner: LockOwner): Promise<boolean> {
  // This process did not write it (it would be in `held`): a restart that got the same pid.
  if (owner.pid === process.pid || !isRunning(owner.pid)) return false;
  const now = await describe(owner.pid);
  if (now.start === null) return true; // no /proc: a live pid is all there is to go by
  if (owner.start !== null) {
    if (owner.boot !== null && now.boot !== null && owner.boot !== now.boot) return false;
    return owner.start === now.start;
  }
  // A lock of an older version (a pid only): its writer started before writing it. A process
  // that started later holds a reused pid. One second of slack for the clocks' resolution.
  const started = await processStartMs(now.start);
  const written = (await stat(path).catch(() => null))?.mtimeMs;
  return started === null || written === undefined || started <= written + 1000;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Field 22 of /proc/<pid>/stat: the start in clock ticks after boot; null without /proc. */
async function processStart(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? null;
}

async function bootId(): Promise<string | null> {
  const id = await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => null);
  return id === null ? null : id.trim();
}

/** Wall-clock time of a /proc start in ticks (Linux reports them at 100 a second). */
async function processStartMs(ticks: string): Promise<number | null> {
  const uptime = await readFile("/proc/uptime", "utf8").catch(() => null);
  if (uptime === null) return null;
  const bootMs = Date.now() - Number.parseFloat(uptime) * 1000;
  return bootMs + Number(ticks) * 10;
}
