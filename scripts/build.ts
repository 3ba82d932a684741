/**
 * `bun run build`: single-file executables of `chat` and of the server for every platform,
 * and a SHA256SUMS file (`sha256sum -c SHA256SUMS` checks them).
 *
 *   bun scripts/build.ts [--target linux-x64]... [--outdir dist] [--check-headers]
 *
 * Bun fetches the runtime of a foreign target from the npm registry the first time; a
 * target that cannot be built is named with the reason, the others are still built, and
 * the exit code is 1. With --check-headers each executable's ELF, Mach-O or PE header must
 * name the platform in its file name, else the exit code is 1 too.
 */
import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { platformOf } from "./exe-header.ts";

/** Every platform an executable is built for. */
export const TARGETS = [
  "linux-x64",
  "linux-arm64",
  "darwin-x64",
  "darwin-arm64",
  "windows-x64",
] as const;

/**
 * The programs built, by executable name: each one's entry point, then the worker scripts it
 * starts (built into the executable beside it: the server hashes passwords on workers).
 */
const PROGRAMS = {
  chat: ["client/main.ts"],
  "chat-server": ["server/main.ts", "server/password-worker.ts"],
} as const;

const ROOT = resolve(import.meta.dir, "..");

const USAGE = "usage: bun scripts/build.ts [--target T]... [--outdir DIR] [--check-headers]";

interface BuildArgs {
  targets: string[];
  outdir: string;
  isCheckingHeaders: boolean;
}

function parseArgs(argv: string[]): BuildArgs {
  const targets: string[] = [];
  let outdir = join(ROOT, "dist");
  let isCheckingHeaders = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--target") targets.push(argv[++i] ?? "");
    else if (arg === "--outdir") outdir = resolve(argv[++i] ?? "");
    else if (arg === "--check-headers") isCheckingHeaders = true;
    else {
      console.error(`unknown argument '${arg}'\n${USAGE}`);
      process.exit(2);
    }
  }
  for (const t of targets) {
    if (!(TARGETS as readonly string[]).includes(t)) {
      console.error(`unknown target '${t}'; one of ${TARGETS.join(", ")}`);
      process.exit(2);
    }
  }
  return { targets: targets.length > 0 ? targets : [...TARGETS], outdir, isCheckingHeaders };
}

/** Build one executable; resolves with null, or the reason it failed. */
async function compile(
  entries: readonly string[],
  target: string,
  outfile: string,
): Promise<string | null> {
  const proc = Bun.spawn(
    [
      process.execPath,
      "build",
      "--compile",
      "--minify",
      // Precompiled bytecode: `chat --version` starts in about half the time (see README).
      "--bytecode",
      "--format=esm",
      `--target=bun-${target}`,
      ...entries.map((e) => join(ROOT, e)),
      "--outfile",
      outfile,
    ],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code === 0) return null;
  const reason = `${err}\n${out}`.trim().split("\n").slice(-3).join(" ");
  return reason || `bun build exited with ${code}`;
}

async function sha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

// Each executable's header against the platform its name ends with; false if one differs.
function checkHeaders(files: string[]): boolean {
  const wrong: string[] = [];
  for (const file of files) {
    const target = TARGETS.find((t) =>
      basename(file)
        .replace(/\.exe$/, "")
        .endsWith(`-${t}`),
    );
    const found = platformOf(file);
    if (found !== target) wrong.push(`${basename(file)} is ${found}`);
  }
  for (const w of wrong) console.error(`wrong header: ${w}`);
  console.log(`headers: ${files.length - wrong.length} of ${files.length} match their platform`);
  return wrong.length === 0;
}

async function main(): Promise<number> {
  const { targets, outdir, isCheckingHeaders } = parseArgs(process.argv.slice(2));
  mkdirSync(outdir, { recursive: true });
  const built: string[] = [];
  const failed: string[] = [];
  for (const target of targets) {
    const exe = target.startsWith("windows") ? ".exe" : "";
    for (const [name, entries] of Object.entries(PROGRAMS)) {
      const outfile = join(outdir, `${name}-${target}${exe}`);
      const started = performance.now();
      const reason = await compile(entries, target, outfile);
      if (reason) {
        failed.push(`${name}-${target}`);
        console.error(
          `could not build ${name} for ${target}: ${reason}\n` +
            `  (Bun fetches the ${target} runtime from the npm registry; is it reachable?)`,
        );
        continue;
      }
      const size = Bun.file(outfile).size;
      const ms = Math.round(performance.now() - started);
      console.log(`built ${outfile} (${(size / 1e6).toFixed(1)} MB, ${ms} ms)`);
      built.push(outfile);
    }
  }
  const lines = await Promise.all(built.map(async (f) => `${await sha256(f)}  ${basename(f)}\n`));
  await Bun.write(join(outdir, "SHA256SUMS"), lines.join(""));
  console.log(`wrote ${join(outdir, "SHA256SUMS")} (${built.length} files)`);
  const isHeadersRight = !isCheckingHeaders || checkHeaders(built);
  if (failed.length > 0) {
    console.error(`not built: ${failed.join(", ")}`);
    return 1;
  }
  return isHeadersRight ? 0 : 1;
}

process.exit(await main());
