import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { startServer, type TestServer, tempDir } from "../helpers/server.ts";
import { PASSWORD, uniqueName, User } from "./helpers.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

const hasOpenssl = Bun.which("openssl") !== null;
let server: TestServer | null = null;
let certFile = "";

beforeAll(async () => {
  if (!hasOpenssl) return;
  const dir = tempDir("chat-tls-");
  certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const made = Bun.spawnSync(
    [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  if (made.exitCode !== 0) throw new Error("openssl could not make a certificate");
  server = await startServer({ args: ["--tls-cert", certFile, "--tls-key", keyFile] });
});

afterAll(async () => {
  await server?.stop();
});

describe("wss:// with a private CA", () => {
  test.skipIf(!hasOpenssl)(
    "--ca or CHAT_CA trusts the server; without it, exit 7 and a hint",
    async () => {
      const url = server?.url ?? "";
      expect(url).toStartWith("wss://");
      const user = new User(url, uniqueName("tls"));
      const refused = await user.run(["register", user.name, "--password-stdin"], {
        stdin: `${PASSWORD}\n`,
      });
      expect(refused.code).toBe(7);
      expect(refused.stderr).toContain("--ca");
      await user.ok(["--ca", certFile, "register", user.name, "--password-stdin"], {
        stdin: `${PASSWORD}\n`,
      });
      expect(await user.ok(["whoami"], { env: { CHAT_CA: certFile } })).toBe(`${user.name}\n`);
    },
  );
});
