/**
 * wss:// with a self-signed certificate made here with openssl: the server started with
 * --tls-cert/--tls-key, the `chat` program trusting it through --ca (or CHAT_CA).
 */
import { describe, expect, test } from "bun:test";
import { chat as runChat } from "../cli/helpers.ts";
import { Wire } from "../fuzz/wire.ts";
import { tempDir } from "../helpers/server.ts";
import { makeCertificate } from "../helpers/tls.ts";
import { useServer } from "../helpers/use-server.ts";

const cert = makeCertificate();
const certFile = cert.certFile;
const ca = await Bun.file(certFile).text();
const configDir = tempDir("chat-tls-cfg-");
const run = useServer({
  isPerFile: true,
  start: { args: ["--tls-cert", certFile, "--tls-key", cert.keyFile] },
});

function chat(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  return runChat(["--server", run.server.url, "--timeout", "5", ...args], {
    configDir,
    stdin: opts.stdin,
    env: { NO_COLOR: "1", ...opts.env },
  });
}

describe("TLS", () => {
  test("the server announces wss:// and answers /health over https", async () => {
    expect(run.server.url.startsWith("wss://127.0.0.1:")).toBe(true);
    const res = await fetch(`${run.server.url.replace("wss://", "https://")}/health`, {
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
    const wire = await Wire.open(run.server.url, { tls: { ca } });
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
