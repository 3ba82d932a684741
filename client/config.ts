/**
 * Where the client keeps its login, and which server it talks to.
 *
 * `<config-dir>/auth.json` (mode 0600, written atomically) holds one session per server
 * and remembers the server of the last login, which becomes the default server.
 */
import { UsageError } from "./errors.ts";

// node:fs, node:os and node:path are loaded only where needed: together they cost a
// one-shot command several milliseconds of start-up, and most commands only read auth.json.
const fs = () => require("node:fs") as typeof import("node:fs");

function join(...parts: string[]): string {
  const sep = process.platform === "win32" ? "\\" : "/";
  return parts.map((p, i) => (i < parts.length - 1 ? p.replace(/[\\/]+$/, "") : p)).join(sep);
}

/** The server used when nothing else names one. */
const DEFAULT_SERVER = "ws://localhost:8765";

/** A saved login. */
export interface SavedSession {
  server: string;
  user: string;
  token: string;
}

/** The contents of auth.json. */
export interface AuthFile {
  /** The server of the most recent login: the default server. */
  last: string | null;
  /** Sessions by normalised server URL. */
  sessions: Record<string, { user: string; token: string; savedAt: string }>;
}

/** The name of the login file inside the config folder. */
const AUTH_FILE = "auth.json";

/**
 * The config folder: the flag, else CHAT_CONFIG_DIR, else $XDG_CONFIG_HOME/chat, else
 * %APPDATA%\chat on Windows, else ~/.config/chat.
 */
export function resolveConfigDir(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
): string {
  if (flag) return flag;
  if (env.CHAT_CONFIG_DIR) return env.CHAT_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "chat");
  if (platform === "win32" && env.APPDATA) return join(env.APPDATA, "chat");
  const home = env.HOME || (require("node:os") as typeof import("node:os")).homedir();
  return join(home, ".config", "chat");
}

/**
 * A server address as a ws:// or wss:// URL: http(s) is read as ws(s), a bare host:port
 * gets ws://, and a lone trailing slash is dropped so that one server has one key.
 */
export function normalizeServerUrl(raw: string): string {
  let text = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `ws://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${raw}' is not a server URL`, "use a URL such as ws://localhost:8765");
  }
  const scheme = { "ws:": "ws:", "wss:": "wss:", "http:": "ws:", "https:": "wss:" }[url.protocol];
  if (!scheme || !url.host) {
    throw new UsageError(
      `'${raw}' is not a ws:// or wss:// URL`,
      "use a URL such as ws://localhost:8765",
    );
  }
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${scheme}//${url.host}${path}${url.search}`;
}

/** The server to use: the flag or CHAT_SERVER, else the last login's server, else the default. */
export function resolveServer(explicit: string | null | undefined, auth: AuthFile): string {
  if (explicit) return normalizeServerUrl(explicit);
  return auth.last ?? DEFAULT_SERVER;
}

/** Read auth.json; a missing file is an empty one. A file that does not parse is an error. */
export function readAuth(configDir: string): AuthFile {
  const path = join(configDir, AUTH_FILE);
  let text: string;
  try {
    text = fs().readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { last: null, sessions: {} };
    throw new Error(`cannot read ${path}`, { cause: err });
  }
  return parseAuth(path, text);
}

/**
 * Like readAuth, without loading node:fs (3 ms) or waiting for an asynchronous read: the
 * one-shot commands' fast path. Bun's require parses a JSON file natively; each process
 * reads the file this way once, at start, so require's cache never serves a stale copy.
 */
export function loadAuth(configDir: string): AuthFile {
  const relative = join(configDir, AUTH_FILE);
  const path = /^([a-zA-Z]:)?[\\/]/.test(relative) ? relative : join(process.cwd(), relative);
  let data: unknown;
  try {
    data = require(path);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new UsageError(
        `${path} is not valid JSON`,
        "remove it and log in again with `chat login <user>`",
      );
    }
    if ((err as { code?: string }).code === "MODULE_NOT_FOUND") return { last: null, sessions: {} };
    throw new Error(`cannot read ${path}`, { cause: err });
  }
  return toAuthFile(data);
}

function parseAuth(path: string, text: string): AuthFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(
      `${path} is not valid JSON`,
      "remove it and log in again with `chat login <user>`",
    );
  }
  return toAuthFile(data);
}

function toAuthFile(data: unknown): AuthFile {
  const auth: AuthFile = { last: null, sessions: {} };
  if (typeof data !== "object" || data === null) return auth;
  const obj = data as Record<string, unknown>;
  if (typeof obj.last === "string") auth.last = obj.last;
  const sessions = obj.sessions;
  if (typeof sessions === "object" && sessions !== null) {
    for (const [server, value] of Object.entries(sessions)) {
      const v = value as Record<string, unknown>;
      if (typeof v?.user === "string" && typeof v.token === "string") {
        auth.sessions[server] = {
          user: v.user,
          token: v.token,
          savedAt: typeof v.savedAt === "string" ? v.savedAt : "",
        };
      }
    }
  }
  return auth;
}

/** The saved session for a server, or null. */
export function sessionFor(auth: AuthFile, server: string): SavedSession | null {
  const entry = auth.sessions[server];
  return entry ? { server, user: entry.user, token: entry.token } : null;
}

/** Save a session for its server and make that server the default. */
export function saveSession(configDir: string, session: SavedSession): void {
  const auth = readAuthForUpdate(configDir);
  auth.sessions[session.server] = {
    user: session.user,
    token: session.token,
    savedAt: new Date().toISOString(),
  };
  auth.last = session.server;
  writeAuth(configDir, auth);
}

/** Forget the session of a server. */
export function forgetSession(configDir: string, server: string): void {
  const auth = readAuthForUpdate(configDir);
  if (!auth.sessions[server]) return;
  delete auth.sessions[server];
  if (auth.last === server) auth.last = Object.keys(auth.sessions)[0] ?? null;
  writeAuth(configDir, auth);
}

// An unreadable auth.json is replaced when saving a new login: the old one was useless.
function readAuthForUpdate(configDir: string): AuthFile {
  try {
    return readAuth(configDir);
  } catch {
    return { last: null, sessions: {} };
  }
}

/** Write auth.json atomically: a temp file (mode 0600), fsync, rename. */
function writeAuth(configDir: string, auth: AuthFile): void {
  const { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } = fs();
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const path = join(configDir, AUTH_FILE);
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(auth, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
