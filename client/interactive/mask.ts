/**
 * Passwords typed in the seed's forms of `/login` and `/register` stay off the screen and
 * out of the input history.
 */

/**
 * The line with the passwords of the seed's `/login <user> <password>` and
 * `/register <user> <password> <password>` masked; other lines unchanged. Such a line is
 * never echoed or kept in the input history as typed.
 */
export function maskSecrets(line: string): string {
  const m = /^(\s*\/(?:login|register)\s+\S+)(\s+[\s\S]*)$/i.exec(line);
  if (!m || m[2]?.trim() === "") return line;
  return `${m[1]}${(m[2] ?? "").replace(/\S+/g, "********")}`;
}

/** The input line as shown while typed: the same passwords hidden, one `*` per character. */
export function maskTyped(line: string): string {
  const m = /^(\s*\/(?:login|register)\s+\S+)(\s+[\s\S]*)$/i.exec(line);
  if (!m) return line;
  return `${m[1]}${(m[2] ?? "").replace(/\S/g, "*")}`;
}
