import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { startServer, type TestServer } from "../helpers/server.ts";
import { HAS_OPENSSL, makeCertificate } from "../helpers/tls.ts";
import { PASSWORD, uniqueName, User } from "./helpers.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

let server: TestServer | null = null;
let certFile = "";

beforeAll(async () => {
  if (!HAS_OPENSSL) return;
  const cert = makeCertificate();
  certFile = cert.certFile;
  server = await startServer({ args: ["--tls-cert", certFile, "--tls-key", cert.keyFile] });
});

afterAll(async () => {
  await server?.stop();
});

describe("wss:// with a private CA", () => {
  test.skipIf(!HAS_OPENSSL)(
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
