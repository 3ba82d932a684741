/** Section 5: `chat send` from start to exit, against Bun running an empty file. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { registerUser, request } from "../lib/chat.ts";
import { pin, spawnTracked } from "../lib/proc.ts";
import { atMost, median, num, ratio, type Section } from "../lib/report.ts";
import { CLIENT_CORE, startServer, tempDir } from "../lib/servers.ts";
import { oneLine, type Params, progress, ROOT } from "./common.ts";

async function timeRun(cmd: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const proc = spawnTracked([...pin(CLIENT_CORE), ...cmd], { env, cwd: ROOT });
  const [code, , err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}: ${err.trim().slice(0, 300)}`);
  return ms;
}

/** Run the one-shot comparison. */
export async function oneshotSection(p: Params): Promise<Section> {
  const dir = tempDir("oneshot");
  const empty = join(dir, "empty.ts");
  writeFileSync(empty, "");
  const server = await startServer("ours");
  const notes: string[] = [];
  const times = { empty: [] as number[], send: [] as number[] };
  try {
    const { ws, token } = await registerUser("127.0.0.1", server.port, "poster");
    await request(ws, { type: "create", room: "deploys", open: true, visible: true });
    ws.close();
    const env = { CHAT_TOKEN: token, CHAT_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
    const url = `ws://127.0.0.1:${server.port}`;
    const send = [
      process.execPath,
      "client/main.ts",
      "--server",
      url,
      "send",
      "deploys",
      "v1.2.3 is out",
    ];
    const bare = [process.execPath, empty];
    // One untimed run of each fills the file cache.
    await timeRun(bare, env);
    await timeRun(send, env);
    for (let i = 0; i < p.oneshotReps; i++) {
      progress(`one-shot ${i + 1}/${p.oneshotReps}`);
      const order = i % 2 ? (["send", "empty"] as const) : (["empty", "send"] as const);
      for (const which of order)
        times[which].push(await timeRun(which === "send" ? send : bare, env));
    }
  } catch (err) {
    notes.push(`One-shot runs failed: ${oneLine(err)}`);
  } finally {
    await server.stop();
  }
  const e = median(times.empty);
  const s = median(times.send);
  return {
    title: "One-shot",
    method:
      `Wall time from spawn to exit, ${p.oneshotReps} interleaved pairs (alternating which ` +
      `goes first), both pinned to the load-generator core: \`chat send\` posting one message ` +
      `with a token (\`CHAT_TOKEN\`) and waiting for the stored acknowledgement, against ` +
      `\`bun empty.ts\`. Medians.`,
    header: ["command", "median", "min", "max"],
    rows: [
      [
        "bun empty.ts",
        `${num(e, 1)} ms`,
        `${num(Math.min(...times.empty), 1)} ms`,
        `${num(Math.max(...times.empty), 1)} ms`,
      ],
      [
        "chat send",
        `${num(s, 1)} ms`,
        `${num(Math.min(...times.send), 1)} ms`,
        `${num(Math.max(...times.send), 1)} ms`,
      ],
    ],
    ratios: [`chat send / empty file = **${ratio(s, e)}**`],
    targets: [atMost("chat send vs empty file", "<= 3x", s / e, 3, ratio(s, e))],
    notes,
  };
}
