import { setDefaultTimeout } from "bun:test";

// Integration and CLI tests start real servers and processes; 5 s is too tight on a busy 2-core machine.
setDefaultTimeout(30_000);
