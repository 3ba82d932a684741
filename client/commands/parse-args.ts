/**
 * Parsing one command's arguments against its options and argument count: shared by the
 * command table (client/commands.ts) and the one-shot start-up, which loads one command only.
 */
import { type OptionsConfig, parseOptions } from "../args.ts";
import { UsageError } from "../errors.ts";
import type { Command, CommandArgs } from "./types.ts";

/** A command line parsed against the table. */
export interface ParsedCommandLine extends CommandArgs {
  command: Command;
}

/**
 * Parse a command's arguments: its options (and `extraOptions`, the one-shot face's
 * global options) and its argument count. Throws UsageError with the usage line.
 */
export function parseArgsOf(
  command: Command,
  args: string[],
  extraOptions: OptionsConfig = {},
  prefix = "chat ",
): ParsedCommandLine {
  const usage = `usage: ${prefix}${command.usage}`;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args, { ...extraOptions, ...command.options });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(err.message, `${usage}\n(put -- before text that starts with a dash)`);
  }
  const { positionals } = parsed;
  if (positionals.length < command.minArgs) {
    throw new UsageError(`${command.name}: missing arguments`, usage);
  }
  if (command.maxArgs !== undefined && positionals.length > command.maxArgs) {
    throw new UsageError(`${command.name}: too many arguments`, usage);
  }
  return { command, values: parsed.values, positionals };
}
