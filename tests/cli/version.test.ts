import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chat } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

const PACKAGE = JSON.parse(readFileSync(resolve(import.meta.dir, "../../package.json"), "utf8"));
const VERSION = String(PACKAGE.version);

describe("The version", () => {
  test("chat --version and chat version print the package's version", async () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const args of [["--version"], ["version"]]) {
      expect(await chat(args)).toEqual({ code: 0, stdout: `chat ${VERSION}\n`, stderr: "" });
    }
    expect((await chat(["version", "--json"])).stdout).toBe(`{"version":"${VERSION}"}\n`);
  });

  test("chat version needs no server", async () => {
    const result = await chat(["--server", "ws://127.0.0.1:1", "version"]);
    expect(result).toEqual({ code: 0, stdout: `chat ${VERSION}\n`, stderr: "" });
  });

  test("the server names it in /health and in its start log", async () => {
    const health = await (await fetch(`${run.server.url.replace("ws", "http")}/health`)).json();
    expect(health).toMatchObject({ status: "ok", version: VERSION });
    const log = readFileSync(join(run.server.dataDir, "server.log"), "utf8");
    expect(log).toMatch(
      new RegExp(` INFO start url=\\S+ version=${VERSION.replaceAll(".", "\\.")} `),
    );
  });
});
