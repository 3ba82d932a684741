import { describe, expect, test } from "bun:test";
import { HAS_OPENSSL, makeCertificate } from "../helpers/tls.ts";
import { useServer } from "../helpers/use-server.ts";
import { PASSWORD, uniqueName, User } from "./helpers.ts";

const cert = HAS_OPENSSL ? makeCertificate() : null;
const certFile = cert?.certFile ?? "";
// Without openssl the test is skipped and no server starts.
const run = useServer({
  isPerFile: cert !== null,
  start: { args: ["--tls-cert", certFile, "--tls-key", cert?.keyFile ?? ""] },
});

describe("wss:// with a private CA", () => {
  test.skipIf(!HAS_OPENSSL)(
    "--ca or CHAT_CA trusts the server; without it, exit 7 and a hint",
    async () => {
      const url = run.server.url;
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
