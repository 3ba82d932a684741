/**
 * The product's version, read from package.json when the module is loaded: `bun build
 * --compile` inlines the JSON, so a single-file executable knows its version without the file.
 */
import { version } from "../package.json";

/** The version of this build of `chat` and the server, as in package.json. */
export const VERSION: string = version;
