/**
 * wss:// with a self-signed certificate made here with openssl: the server started with
 * --tls-cert/--tls-key, the `chat` program trusting it through --ca (or CHAT_CA).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chat as runChat } from "../cli/helpers.ts";
import { Wire } from "../fuzz/wire.ts";
import { startServer, tempDir, type TestServer } from "../helpers/server.ts";
import { makeCertificate } from "../helpers/tls.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

let server: TestServer;
let certFile = "";
let ca = "";
let configDir = "";

function chat(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  return runChat(["--server", server.url, "--timeout", "5", ...args], {
    configDir,
    stdin: opts.stdin,
    env: { NO_COLOR: "1", ...opts.env },
  });
}

beforeAll(async () => {
  const cert = makeCertificate();
  certFile = cert.certFile;
  ca = await Bun.file(certFile).text();
  configDir = tempDir("chat-tls-cfg-");
  server = await startServer({ args: ["--tls-cert", certFile, "--tls-key", cert.keyFile] });
});

afterAll(async () => {
  await server?.stop();
});

describe("TLS", () => {
  test("the server announces wss:// and answers /health over https", async () => {
    expect(server.url.startsWith("wss://127.0.0.1:")).toBe(true);
    const res = await fetch(`${server.url.replace("wss://", "https://")}/health`, {
      tls: { ca },
    });
    expect(res.status).toBe(200);
  });

  test("register, create, send and history over wss:// with --ca", async () => {
    const reg = await chat(["--ca", certFile, "register", "carol", "--password-stdin"], {
      stdin: "carol-password\n",
    });
    expect(reg.stderr).toBe("");
    expect(reg.code).toBe(0);
    expect((await chat(["--ca", certFile, "create", "lobby"])).code).toBe(0);
    const sent = await chat(["--ca", certFile, "--json", "send", "lobby", "over tls"]);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout).text).toBe("over tls");
    // CHAT_CA works as --ca does.
    const history = await chat(["history", "lobby"], { env: { CHAT_CA: certFile } });
    expect(history.code).toBe(0);
    expect(history.stdout).toContain("over tls");
  });

  test("a raw WebSocket client trusting the certificate sees the same history", async () => {
    const wire = await Wire.open(server.url, { tls: { ca } });
    await wire.ok({ type: "login", user: "carol", password: "carol-password" });
    const history = await wire.ok({ type: "history", room: "lobby" });
    expect((history.messages as { text: string }[]).map((m) => m.text)).toEqual(["over tls"]);
    await wire.close();
  });

  test("without --ca the certificate is not trusted: exit 7 and a hint", async () => {
    const res = await chat(["history", "lobby"]);
    expect(res.code).toBe(7);
    expect(res.stdout).toBe("");
    expect(res.stderr.length).toBeGreaterThan(0);
  });
});
