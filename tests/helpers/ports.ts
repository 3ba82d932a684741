/**
 * Running third-party servers (redis-server, haproxy) beside the tests: a free port for programs
 * that cannot report the one they got, and a command line that dies with the test process.
 */

const SETPRIV = Bun.which("setpriv");

/**
 * A port on 127.0.0.1 that was free a moment ago: bound on port 0, read, and released. Another
 * process could take it in between; the programs started on it fail loudly if one did.
 */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * `cmd` run so that the kernel kills it with SIGKILL when the test process ends, however it
 * ends: `bun test` runs no "exit" handlers, and a failed test can skip its teardown.
 * setpriv (util-linux) execs the program, so the child's pid is the program's own. (Linux ties
 * the signal to the spawning thread: spawn from the main thread, not from a Worker.)
 */
export function diesWithParent(cmd: string[]): string[] {
  return SETPRIV === null ? cmd : [SETPRIV, "--pdeathsig", "KILL", "--", ...cmd];
}
