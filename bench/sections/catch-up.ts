/**
 * Section "catch-up": a listener that missed 10,000 events over 100 rooms, caught up through
 * the cursor (`auth since=` with `batch`, each page one frame, as `chat` asks; and without, one
 * frame per event; to the last `synced`) against fetching `history` room by room as the
 * clients did before: `after` the last id seen, following `more`, one room after the other
 * (the interactive mode) or 20 rooms in flight (`chat listen`).
 */
import { pool, registerUser, request } from "../lib/chat.ts";
import { RawWs } from "../lib/raw-ws.ts";
import { atLeast, atMost, median, num, ratio, type Section } from "../lib/report.ts";
import { withSelfPinned } from "../lib/proc.ts";
import { CLIENT_CORE, startServer } from "../lib/servers.ts";
import { oneLine, type Params, progress } from "./common.ts";

const ROOMS = 100;
const WARMUP_ROUNDS = 5;
// Catch-ups take milliseconds on a shared machine: more repetitions than other sections.
const MIN_REPS = 15;
const IN_FLIGHT = 20;
// A local network's round trip, added by the client before each request it waits for.
const LAN_RTT_MS = 1;

// A `synced` frame's `type`, `cursor` and `more` come within its first characters.
const HEAD_CHARS = 64;

/** Requests in flight on one connection, matched by `replyTo` (chat.ts's are one at a time). */
class Wire {
  readonly ws: RawWs;
  #next = 0;
  #waiting = new Map<string, (reply: Record<string, unknown>) => void>();

  constructor(ws: RawWs) {
    this.ws = ws;
    ws.counter.listener = (text) => {
      const reply = JSON.parse(text) as Record<string, unknown>;
      const resolve = this.#waiting.get(String(reply.replyTo));
      if (!resolve) return;
      this.#waiting.delete(String(reply.replyTo));
      resolve(reply);
    };
  }

  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = `w${++this.#next}`;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (reply) =>
        reply.type === "error" ? reject(new Error(String(reply.message))) : resolve(reply),
      );
      this.ws.sendText(JSON.stringify({ ...body, id }));
    });
  }
}

/** What the two ways of catching up start from. */
interface World {
  port: number;
  token: string;
  cursor: string;
  /** Per room, the id of the last message the listener saw. */
  lastSeen: Map<string, string>;
  missed: number;
}

async function makeWorld(port: number, perRoom: number): Promise<World> {
  const { ws: poster } = await registerUser("127.0.0.1", port, "poster");
  const { ws: listener, token } = await registerUser("127.0.0.1", port, "listener");
  const rooms = Array.from({ length: ROOMS }, (_, i) => `room${i}`);
  const lastSeen = new Map<string, string>();
  for (const room of rooms) {
    await request(poster, { type: "create", room });
    await request(listener, { type: "join", room });
    const sent = await request(poster, { type: "send", room, text: `seen in ${room}` });
    lastSeen.set(room, String((sent.message as { id: string }).id));
  }
  listener.close();
  // Everything after this cursor is missed by the listener.
  const again = await RawWs.connect("127.0.0.1", port);
  const cursor = String((await request(again, { type: "auth", token, mode: "oneshot" })).cursor);
  again.close();
  const wire = new Wire(poster);
  await pool(rooms, IN_FLIGHT, async (room) => {
    for (let i = 0; i < perRoom; i++) {
      await wire.request({
        type: "send",
        room,
        text: `missed ${i} in ${room} ${"x".repeat(60)}`,
      });
    }
  });
  poster.close();
  return { port, token, cursor, lastSeen, missed: ROOMS * perRoom };
}

/**
 * Connect, `auth since=` (with `batch`: each page one frame, its events inside its `synced`),
 * and read until the catch-up's last `synced`; returns ms and events.
 */
async function viaCursor(
  w: World,
  rttMs = 0,
  isBatched = true,
): Promise<{ ms: number; events: number }> {
  const t0 = performance.now();
  // A network round trip before the first event: one, whatever was missed.
  if (rttMs > 0) await Bun.sleep(rttMs);
  const ws = await RawWs.connect("127.0.0.1", w.port);
  let events = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no last synced within 60 s")), 60_000);
    const end = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.counter.listener = (text) => {
      if (!text.startsWith('{"type":"synced"')) {
        if (text.includes('"seq"')) events++;
      } else if (isBatched) {
        // Its events counted without decoding it, as the frames one by one are: by their seqs
        // (the `synced` fields before `events` carry none).
        for (let at = text.indexOf('"seq"'); at >= 0; at = text.indexOf('"seq"', at + 5)) events++;
        if (text.slice(0, HEAD_CHARS).includes('"more":false')) end();
      } else if (text.includes('"more":false')) end();
    };
  });
  const batch = isBatched ? { batch: true } : {};
  ws.sendText(
    JSON.stringify({ type: "auth", token: w.token, mode: "listen", since: w.cursor, ...batch }),
  );
  await done;
  const ms = performance.now() - t0;
  ws.close();
  return { ms, events };
}

/**
 * Connect, `auth`, and fetch every room's `history after` its last seen id, page by page,
 * `inFlight` rooms at a time.
 */
async function viaHistory(
  w: World,
  inFlight: number,
  rttMs = 0,
): Promise<{ ms: number; events: number }> {
  const t0 = performance.now();
  const ws = await RawWs.connect("127.0.0.1", w.port);
  const wire = new Wire(ws);
  await wire.request({ type: "auth", token: w.token, mode: "listen" });
  let events = 0;
  await pool([...w.lastSeen], inFlight, async ([room, seen]) => {
    let after = seen;
    for (;;) {
      // A network round trip per request (none on localhost).
      if (rttMs > 0) await Bun.sleep(rttMs);
      const page = await wire.request({ type: "history", room, after, limit: 200 });
      const messages = page.messages as { id: string }[];
      events += messages.length;
      if (page.more !== true || messages.length === 0) return;
      after = messages.at(-1)!.id;
    }
  });
  const ms = performance.now() - t0;
  ws.close();
  return { ms, events };
}

const WAYS = {
  cursor: { name: "auth since= batch (cursor, a page per frame)", run: (w: World) => viaCursor(w) },
  cursorFrames: {
    name: "auth since=, one frame per event",
    run: (w: World) => viaCursor(w, 0, false),
  },
  roomByRoom: { name: "history, one room after another", run: (w: World) => viaHistory(w, 1) },
  inFlight: {
    name: `history, ${IN_FLIGHT} rooms in flight`,
    run: (w: World) => viaHistory(w, IN_FLIGHT),
  },
  cursorLan: {
    name: `auth since=, ${LAN_RTT_MS} ms round trip`,
    run: (w: World) => viaCursor(w, LAN_RTT_MS),
  },
  roomByRoomLan: {
    name: `history one room after another, ${LAN_RTT_MS} ms round trip`,
    run: (w: World) => viaHistory(w, 1, LAN_RTT_MS),
  },
} as const;
type Way = keyof typeof WAYS;

/**
 * Run the catch-up comparison; its client runs in this process, pinned to the load-generator
 * core like every other load generator.
 */
export function catchUpSection(p: Params): Promise<Section> {
  return withSelfPinned(CLIENT_CORE, () => compare(p));
}

async function compare(p: Params): Promise<Section> {
  const perRoom = p.quick ? 10 : 100;
  const reps = p.quick ? 1 : Math.max(MIN_REPS, p.reps);
  // Unmeasured rounds first: a server that has run for a while has its catch-up and history
  // code compiled; the first few of either way on a fresh process take 2-8 times as long.
  const warmups = p.quick ? 0 : WARMUP_ROUNDS;
  const notes: string[] = [];
  const ways = Object.keys(WAYS) as Way[];
  const times = Object.fromEntries(ways.map((w) => [w, [] as number[]])) as Record<Way, number[]>;
  const counts = Object.fromEntries(ways.map((w) => [w, 0])) as Record<Way, number>;
  let missed = 0;
  const server = await startServer("ours");
  try {
    progress(`catch-up: ${ROOMS} rooms, ${ROOMS * perRoom} missed messages`);
    const world = await makeWorld(server.port, perRoom);
    missed = world.missed;
    for (let i = 0; i < warmups + reps; i++) {
      progress(
        i < warmups
          ? `catch-up warm-up ${i + 1}/${warmups}`
          : `catch-up ${i - warmups + 1}/${reps}`,
      );
      // Rotating order, so that no way always runs first.
      for (let k = 0; k < ways.length; k++) {
        const way = ways[(i + k) % ways.length]!;
        const r = await WAYS[way].run(world);
        if (i < warmups) continue;
        times[way].push(r.ms);
        counts[way] = r.events;
      }
    }
    for (const way of ways) {
      if (counts[way] < missed)
        notes.push(`${WAYS[way].name}: ${counts[way]} of ${missed} events.`);
    }
  } catch (err) {
    notes.push(`Catch-up runs failed: ${oneLine(err)}`);
  } finally {
    await server.stop();
  }
  const c = median(times.cursor);
  const h = median(times.roomByRoom);
  const cLan = median(times.cursorLan);
  const hLan = median(times.roomByRoomLan);
  const row = (way: Way) => [
    WAYS[way].name,
    `${num(median(times[way]), 1)} ms`,
    `${num(Math.min(...times[way]), 1)} ms`,
    `${num(Math.max(...times[way]), 1)} ms`,
    num(counts[way]),
  ];
  return {
    title: "Catch-up",
    method:
      `A listener in ${ROOMS} rooms misses ${num(ROOMS * perRoom)} messages (${perRoom} per room). ` +
      `Timed from connecting to having everything: \`auth\` with \`since\` its cursor and ` +
      `\`batch\` (each page one frame, as \`chat\` asks; also without, one frame per event), ` +
      `to the last \`synced\`; against \`auth\` and then \`history after\` the last id seen in each ` +
      `room (pages of 200, following \`more\`), one room after another as the interactive ` +
      `client did, and ${IN_FLIGHT} rooms in flight as \`chat listen\` did. On localhost, and ` +
      `with a ${LAN_RTT_MS} ms round trip added by the client before each request it waits for ` +
      `(a local network). ${warmups} unmeasured rounds of every way first, then ${reps} ` +
      `repetitions in rotating order, medians; rate limits off. The client runs on the ` +
      `load-generator core.`,
    header: ["way", "median", "min", "max", "events"],
    rows: ways.map(row),
    ratios: [
      `history one room after another / cursor = **${ratio(h, c)}**`,
      `history one room after another / cursor one frame per event = **${ratio(h, median(times.cursorFrames))}**`,
      `cursor one frame per event / cursor a page per frame = **${ratio(median(times.cursorFrames), c)}**`,
      `history ${IN_FLIGHT} rooms in flight / cursor = **${ratio(median(times.inFlight), c)}**`,
      `with a ${LAN_RTT_MS} ms round trip: history one room after another / cursor = **${ratio(hLan, cLan)}**`,
    ],
    targets: [
      atMost("caught up through the cursor", "<= 1 s", c / 1000, 1, `${num(c, 1)} ms`),
      atLeast("cursor vs history room by room, localhost", ">= 5x faster", h / c, 5, ratio(h, c)),
      atLeast(
        `cursor vs history room by room, ${LAN_RTT_MS} ms round trip`,
        ">= 5x faster",
        hLan / cLan,
        5,
        ratio(hLan, cLan),
      ),
    ],
    notes,
  };
}
