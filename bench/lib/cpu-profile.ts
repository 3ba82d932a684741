/** Reading a `bun --cpu-prof` profile: self time per function, and the top of it printed. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The parts of a .cpuprofile that self times need. */
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (milliseconds), highest first. */
export function selfTimes(profile: Profile): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    if (!node) return;
    const f = node.callFrame;
    const where = f.url
      ? `${f.url.replace(/^.*\/(server|shared|node_modules)\//, "$1/")}:${f.lineNumber + 1}`
      : "";
    const name = `${f.functionName || "(anonymous)"} ${where}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + dt);
  });
  return [...totals]
    .map(([name, ms]) => ({ name, ms, share: ms / all }))
    .sort((a, b) => b.ms - a.ms);
}

/**
 * Print the `top` functions by self time of the one .cpuprofile in `dir`, and keep a copy at
 * /tmp/chat-server-<name>.cpuprofile (for Chrome DevTools).
 */
export async function printTop(dir: string, top: number, name: string): Promise<void> {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("no .cpuprofile written");
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
  for (const { name: fn, ms, share } of selfTimes(profile).slice(0, top)) {
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${fn}`);
  }
  const keep = join("/tmp", `chat-server-${name}.cpuprofile`);
  await Bun.write(keep, Bun.file(join(dir, file)));
  console.log(`profile: ${keep}`);
}
