/** Section 4: acknowledged stored messages per second, and start-up time with a big data set. */
import { join } from "node:path";
import { copyDataset, roomNames, writeDataset } from "../lib/dataset.ts";
import { startServer, tempDir } from "../lib/servers.ts";
import { atLeast, atMost, mb, median, num, pct, ratio, type Section } from "../lib/report.ts";
import type { StorageResult } from "../scenarios/storage.ts";
import { oneLine, type Params, progress, withServer } from "./common.ts";

/** Prepared data sets: one room, and many rooms, each of full history. */
export interface Datasets {
  one: string;
  many: string;
  members: string[];
  manyBytes: number;
}

/** Write both data sets into a temporary folder. */
export async function makeDatasets(p: Params): Promise<Datasets> {
  const root = tempDir("datasets");
  const members = Array.from({ length: p.storage.senders }, (_, i) => `writer${i}`);
  const spec = { users: p.storage.users, messagesPerRoom: p.storage.messagesPerRoom, members };
  progress(`storage: writing data sets (${num(p.storage.manyRooms)} rooms)`);
  await writeDataset(join(root, "one"), { ...spec, rooms: 1 });
  const manyBytes = await writeDataset(join(root, "many"), { ...spec, rooms: p.storage.manyRooms });
  return { one: join(root, "one"), many: join(root, "many"), members, manyBytes };
}

/** Run the stored-messages benchmark on both data sets, alternating. */
export async function storageSection(p: Params, data: Datasets): Promise<Section> {
  const cases = [
    { name: "1 room", dir: data.one, rooms: 1 },
    { name: `${num(p.storage.manyRooms)} rooms`, dir: data.many, rooms: p.storage.manyRooms },
  ];
  const runs = new Map<string, StorageResult[]>(cases.map((c) => [c.name, []]));
  const notes: string[] = [];
  for (let rep = 0; rep < p.reps; rep++) {
    for (const c of rep % 2 ? [...cases].reverse() : cases) {
      progress(`storage rep ${rep + 1}/${p.reps}: ${c.name}`);
      const dir = tempDir("store");
      copyDataset(c.dir, dir);
      try {
        const { result } = await withServer<StorageResult>(
          "ours",
          {
            scenario: "storage",
            users: data.members,
            rooms: roomNames(c.rooms),
            window: p.storage.window,
            warmupSeconds: p.storage.warmupSeconds,
            seconds: p.storage.seconds,
          },
          { dataDir: dir },
        );
        runs.get(c.name)!.push(result);
      } catch (err) {
        notes.push(`Run ${rep + 1} with ${c.name} failed: ${oneLine(err)}`);
      }
    }
  }
  const med = (name: string, f: (r: StorageResult) => number): number =>
    median((runs.get(name) ?? []).map(f));
  const one = med(cases[0]!.name, (r) => r.ackedPerSec);
  const many = med(cases[1]!.name, (r) => r.ackedPerSec);
  return {
    title: "Storage",
    method:
      `Acknowledged stored messages per second: ${data.members.length} users, each a member ` +
      `of every room, each keep ${p.storage.window} \`send\`s in flight (spread over the rooms ` +
      `in turn) and count the \`sent\` acknowledgements, which come only after the message is ` +
      `fsync'd (group commit). Data sets generated in the store's file format: ` +
      `${num(p.storage.users)} users and either 1 room or ${num(p.storage.manyRooms)} rooms, ` +
      `each with ${p.storage.messagesPerRoom} messages of history. ` +
      `${p.storage.warmupSeconds} s warm-up, ${p.storage.seconds} s measured; median of ` +
      `${p.reps} runs, alternating order, a fresh copy of the data each run.`,
    header: [
      "data set",
      "acked msgs/s (median)",
      "per server CPU-second",
      "runs",
      "server CPU",
      "load gen CPU",
    ],
    rows: cases.map((c) => [
      c.name,
      num(med(c.name, (r) => r.ackedPerSec)),
      // No CPU share (null) for windows too short to measure it.
      num(med(c.name, (r) => (r.serverCpu ? r.ackedPerSec / r.serverCpu : NaN))),
      String(runs.get(c.name)!.length),
      pct(med(c.name, (r) => r.serverCpu)),
      pct(med(c.name, (r) => r.clientCpu)),
    ]),
    ratios: [`stored msgs/s, ${cases[1]!.name} / 1 room = **${ratio(many, one)}**`],
    targets: [
      atLeast("Acked stored msgs/s (1 room)", ">= 50,000/s", one, 50_000, `${num(one)}/s`),
      atLeast(
        `Acked stored msgs/s, ${cases[1]!.name} vs 1 room`,
        ">= 0.8x (within 20%)",
        many / one,
        0.8,
        `${ratio(many, one)} (${num(many)}/s)`,
      ),
    ],
    notes,
  };
}

/** Start-up time: empty data folder against the many-rooms data set, alternating. */
export async function startupSection(p: Params, data: Datasets): Promise<Section> {
  const cases = [
    { name: "empty data folder", dir: null as string | null },
    {
      name: `${num(p.storage.users)} users, ${num(p.storage.manyRooms)} rooms x ${p.storage.messagesPerRoom} messages`,
      dir: data.many,
    },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const notes: string[] = [];
  for (let rep = 0; rep < p.startupReps; rep++) {
    for (const c of rep % 2 ? [...cases].reverse() : cases) {
      progress(`start-up rep ${rep + 1}/${p.startupReps}: ${c.name}`);
      const dir = tempDir("startup");
      if (c.dir) copyDataset(c.dir, dir);
      try {
        const server = await startServer("ours", { dataDir: dir });
        times.get(c.name)!.push(server.startMs);
        await server.stop();
      } catch (err) {
        notes.push(`Start ${rep + 1} with ${c.name} failed: ${oneLine(err)}`);
      }
    }
  }
  const med = (name: string): number => median(times.get(name) ?? []);
  const big = med(cases[1]!.name);
  return {
    title: "Start-up",
    method:
      `From spawning \`bun server/main.ts\` to its "running at" line on stdout, median of ` +
      `${p.startupReps} starts per data set, alternating, a fresh copy of the data each time ` +
      `(the big data set is ${mb(data.manyBytes)} of JSON).`,
    header: ["data", "start-up (median)", "all runs"],
    rows: cases.map((c) => [
      c.name,
      `${num(med(c.name))} ms`,
      (times.get(c.name) ?? []).map((t) => num(t)).join(", "),
    ]),
    ratios: [`start-up with the big data set / empty = ${ratio(big, med(cases[0]!.name))}`],
    targets: [atMost("Start-up with the big data set", "<= 500 ms", big, 500, `${num(big)} ms`)],
    notes,
  };
}
