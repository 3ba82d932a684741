/**
 * Storage: acknowledged stored messages per second. A few users, each a member of every room
 * of the data set, keep a window of sends in flight (spread over the rooms) and count the
 * `sent` acknowledgements, which the server gives only once a message is fsync'd.
 */
import { loginUser, pool } from "../lib/chat.ts";
import { maskedTextFrame } from "../../tests/helpers/raw-frames.ts";
import { BYTE_S, closeAll, CpuWindow, type Target, TYPE_BYTE_OFFSET } from "./room.ts";

/** Configuration of one storage run. */
export interface StorageConfig extends Target {
  users: string[];
  rooms: string[];
  window: number;
  /** Each user sends only to the room of its own index (rooms[i]) instead of all in turn. */
  ownRoom?: boolean;
  warmupSeconds: number;
  seconds: number;
}

/** What one storage run measured. */
export interface StorageResult {
  ackedPerSec: number;
  acked: number;
  seconds: number;
  serverCpu: number;
  clientCpu: number;
}

/** Run the storage scenario. */
export async function storageScenario(cfg: StorageConfig): Promise<StorageResult> {
  const clients = await pool(
    cfg.users,
    8,
    async (u) => (await loginUser(cfg.host, cfg.port, u)).ws,
  );
  const frames = cfg.rooms.map((room) =>
    maskedTextFrame(JSON.stringify({ type: "send", room, text: "a stored benchmark message" })),
  );
  let nextRoom = 0;
  let running = true;
  const sent = clients.map(() => 0);
  clients.forEach((ws, i) => {
    const c = ws.counter;
    c.classifyOffset = TYPE_BYTE_OFFSET;
    c.classifyByte = BYTE_S;
    const base = c.marked;
    const topUp = (): void => {
      if (!running) return;
      while (sent[i]! - (c.marked - base) < cfg.window) {
        if (cfg.ownRoom) {
          ws.write(frames[i % frames.length]!);
        } else {
          ws.write(frames[nextRoom]!);
          nextRoom = (nextRoom + 1) % frames.length;
        }
        sent[i]!++;
      }
    };
    ws.onData = topUp;
    topUp();
  });
  const acked = (): number => clients.reduce((sum, ws) => sum + ws.counter.marked, 0);
  await Bun.sleep(cfg.warmupSeconds * 1000);
  const a0 = acked();
  const cpu = new CpuWindow(cfg.serverPid);
  await Bun.sleep(cfg.seconds * 1000);
  const a1 = acked();
  const usage = cpu.end();
  running = false;
  closeAll(clients);
  return { ackedPerSec: (a1 - a0) / usage.seconds, acked: a1 - a0, ...usage };
}
