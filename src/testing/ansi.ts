// Turns terminal output into plain text: ANSI colours and cursor codes out, carriage-return redraws collapsed.

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and the two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

/** ANSI-free text with `\n` line ends; a line redrawn with `\r` keeps only what was drawn last. */
export function plainText(text: string): string {
  const stripped = stripAnsi(text).replace(/\r\n/g, '\n');
  if (!stripped.includes('\r')) return stripped;
  return stripped
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((part) => part.length > 0);
      return parts[parts.length - 1] ?? '';
    })
    .join('\n');
}
