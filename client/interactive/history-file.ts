/**
 * The interactive client's state folder ($XDG_STATE_HOME/chat, else ~/.local/state/chat,
 * %LOCALAPPDATA%\chat on Windows): input history across runs per server and account, and the
 * last room per server.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Most history entries kept on disk per account. */
const HISTORY_FILE_MAX = 500;

/** A file name part for one account on one server (no name or address in the folder). */
export function accountKey(server: string, user: string): string {
  return new Bun.CryptoHasher("sha256").update(`${server}\n${user}`).digest("hex").slice(0, 24);
}

// One file per server and user: accounts sharing an OS user never see each other's input.
function historyFile(server: string, user: string): string {
  return `history-${accountKey(server, user)}.jsonl`;
}

/** The state folder for the given environment. */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, "chat");
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "chat");
  return join(env.HOME ?? homedir(), ".local", "state", "chat");
}

/** Reads and writes the files of the state folder; failures never stop the chat. */
export class StateStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Input history of one account on one server, newest first. Each entry is one JSON
   * string per line, so that a pasted block stays one entry with its newlines.
   */
  loadHistory(server: string, user: string): string[] {
    const text = this.#read(historyFile(server, user));
    if (text === null) return [];
    const entries: string[] = [];
    for (const line of text.split("\n")) {
      try {
        const entry: unknown = JSON.parse(line);
        if (typeof entry === "string" && entry !== "") entries.push(entry);
      } catch {
        // A damaged line loses that entry only.
      }
    }
    return entries.reverse().slice(0, HISTORY_FILE_MAX);
  }

  /** Save the input history (newest first) of one account; stored oldest first. */
  saveHistory(server: string, user: string, history: readonly string[]): void {
    const lines = history.slice(0, HISTORY_FILE_MAX).map((entry) => JSON.stringify(entry));
    lines.reverse();
    this.#write(historyFile(server, user), lines.length === 0 ? "" : `${lines.join("\n")}\n`);
  }

  /** The room last used with this server and user, or null. */
  lastRoom(server: string, user: string): string | null {
    const room = this.#lastRooms()[`${user}@${server}`];
    return typeof room === "string" ? room : null;
  }

  /** Remember the room last used with this server and user. */
  setLastRoom(server: string, user: string, room: string): void {
    const rooms = this.#lastRooms();
    if (rooms[`${user}@${server}`] === room) return;
    rooms[`${user}@${server}`] = room;
    this.#write("last-room.json", `${JSON.stringify(rooms, null, 2)}\n`);
  }

  #lastRooms(): Record<string, unknown> {
    const text = this.#read("last-room.json");
    if (text === null) return {};
    try {
      const data: unknown = JSON.parse(text);
      if (typeof data === "object" && data !== null && !Array.isArray(data)) {
        return data as Record<string, unknown>;
      }
    } catch {
      // A damaged file only loses the remembered room; it is rewritten on the next change.
    }
    return {};
  }

  /** The text of a file of the state folder, or null when it cannot be read. */
  readText(name: string): string | null {
    return this.#read(name);
  }

  /** Replace a file of the state folder at once (a crash leaves the old or the new text). */
  writeText(name: string, text: string): void {
    this.#write(name, text);
  }

  /** Remove a file of the state folder, if it is there. */
  remove(name: string): void {
    try {
      rmSync(join(this.dir, name), { force: true });
    } catch {
      // Like a failed write: the chat goes on; the next write replaces the file.
    }
  }

  #read(name: string): string | null {
    try {
      return readFileSync(join(this.dir, name), "utf8");
    } catch {
      return null;
    }
  }

  #write(name: string, text: string): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const path = join(this.dir, name);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, path);
    } catch {
      // History is a convenience: a read-only or full disk must not break the chat.
    }
  }
}
