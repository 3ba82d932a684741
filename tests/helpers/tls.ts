/** A self-signed certificate for the wss:// tests, made with openssl. */
import { join } from "node:path";
import { tempDir } from "./server.ts";

/** True when openssl can be run here; the TLS tests need it to make a certificate. */
export const HAS_OPENSSL = Bun.which("openssl") !== null;

/** Where makeCertificate wrote the certificate (PEM, also its own CA) and its key. */
export interface Certificate {
  certFile: string;
  keyFile: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost in a fresh temp folder. */
export function makeCertificate(): Certificate {
  const dir = tempDir("chat-tls-");
  const certFile = join(dir, "cert.pem");
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
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
  return { certFile, keyFile };
}
