/**
 * Room and user names for shell completion. A shell asks on every Tab, so the names are
 * cached in the state folder for a minute, and fetched with one connection and two
 * pipelined requests (`rooms`, `who`) that are given up after a short timeout: a dead or
 * silent server costs one short wait per minute and never hangs the shell.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeRoomName, normalizeUserName } from "../shared/sanitize.ts";

/** How long fetched names (or a failure to fetch them) are used before asking again. */
export const NAMES_TTL_MS = 60_000;
/** The longest a Tab waits for the server. */
export const NAMES_TIMEOUT_MS = 1_500;
/** Most names of each kind kept: a hostile server cannot grow the cache file. */
export const NAMES_MAX = 500;

const CACHE_FILE = "completion-names.json";

/** The names of one server, as seen by one user. */
export interface Names {
  rooms: string[];
  users: string[];
}

/** Who asks, of which server, and how names are fetched (injected by tests). */
export interface NamesRequest {
  server: string;
  /** The user of the session: names differ per user. */
  user: string;
  stateDir: string;
  now: number;
  fetch(): Promise<Names>;
}

interface CacheEntry extends Names {
  server: string;
  user: string;
  fetchedAt: number;
}

function keep(list: unknown, normalize: (raw: string) => string | null): string[] {
  if (!Array.isArray(list)) return [];
  const names = list.filter((n): n is string => typeof n === "string" && normalize(n) === n);
  return [...new Set(names)].slice(0, NAMES_MAX);
}

/** Names as the server gave them, keeping only valid names (nothing else reaches a shell). */
export function cleanNames(rooms: unknown, users: unknown): Names {
  return { rooms: keep(rooms, normalizeRoomName), users: keep(users, normalizeUserName) };
}

function readCache(dir: string): CacheEntry | null {
  try {
    const data = JSON.parse(readFileSync(join(dir, CACHE_FILE), "utf8")) as Partial<CacheEntry>;
    if (typeof data.server !== "string" || typeof data.user !== "string") return null;
    if (typeof data.fetchedAt !== "number") return null;
    return {
      server: data.server,
      user: data.user,
      fetchedAt: data.fetchedAt,
      ...cleanNames(data.rooms, data.users),
    };
  } catch {
    // No cache yet, or a damaged one: fetch again.
    return null;
  }
}

function writeCache(dir: string, entry: CacheEntry): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, CACHE_FILE);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch {
    // The cache only saves time: without it, the next Tab asks the server again.
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the server did not answer in time")), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The names for a server and user: from the cache while it is fresh, else fetched (within
 * NAMES_TIMEOUT_MS). A failed fetch is cached too, keeping the names known before.
 */
export async function loadNames(req: NamesRequest): Promise<Names> {
  const cached = readCache(req.stateDir);
  const isSame = cached !== null && cached.server === req.server && cached.user === req.user;
  if (isSame && req.now - cached.fetchedAt < NAMES_TTL_MS && req.now >= cached.fetchedAt) {
    return { rooms: cached.rooms, users: cached.users };
  }
  let names: Names = isSame
    ? { rooms: cached.rooms, users: cached.users }
    : { rooms: [], users: [] };
  try {
    const fetched = await withTimeout(req.fetch(), NAMES_TIMEOUT_MS);
    names = cleanNames(fetched.rooms, fetched.users);
  } catch {
    // Completion never reports errors: the shell would print them in the middle of a line.
  }
  writeCache(req.stateDir, { server: req.server, user: req.user, fetchedAt: req.now, ...names });
  return names;
}
