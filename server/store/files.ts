import { constants } from "node:fs";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";

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
  const fh = await open(temp, "w", FILE_MODE);
  try {
    // A temp file left by a crash keeps its old mode when reopened.
    await fh.chmod(FILE_MODE);
    for await (const chunk of chunks) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
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

/** Lock files held by this process. */
const held = new Set<string>();

/**
 * Take the lock file `path` for this process, so that two servers never write one data folder.
 * A lock left by a process that is gone (killed) is taken over. Returns the release function.
 */
export async function lockFile(path: string): Promise<() => Promise<void>> {
  const key = resolve(path);
  if (held.has(key)) throw new Error(`${path}: the data folder is already open in this process`);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, "wx", FILE_MODE);
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      const pid = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
      if (pid !== process.pid && isRunning(pid)) {
        throw new Error(`${path}: the data folder is in use by process ${pid}`);
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

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
