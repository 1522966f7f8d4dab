// For output no parser reads: the lines that report failures, so the summary and the JUnit report still say what failed.

const MAX_LINES = 20;
const MAX_LINE_CHARS = 300;

/** Words and marks runners and home-made scripts use for a failure. */
const FAILURE = /\b(?:FAIL(?:ED|URES?|S)?|ERRORS?|not ok|[Ff]ail(?:ed|s|ing|ures?)?|[Ee]rrors?|AssertionError|panicked|Traceback)\b|[✗✘✖×]/;
/** "0 failed", "no errors": a line that reports the absence of failures. */
const NONE = /\b(?:0|no) (?:failed|failures?|errors?|failing)\b/i;

/** The lines of the output that report failures, in order, at most MAX_LINES, each cut to MAX_LINE_CHARS. */
export function failureLines(output: string): string[] {
  const out: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim() || !FAILURE.test(line) || (NONE.test(line) && !/[1-9]\d* (?:failed|failures?|errors?|failing)/i.test(line))) continue;
    out.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line);
    if (out.length === MAX_LINES) break;
  }
  return out;
}
