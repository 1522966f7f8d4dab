// The environment a test command (or anything the model causes to run) gets: the runner's, minus every credential.

/** Names that are never passed to a child, whatever the user says. */
const WITHHELD = [/^INPUT_/, /^ACTIONS_/, /^GITHUB_TOKEN$/, /^GH_TOKEN$/, /^GITHUB_PAT$/, /^OPENAI_API_KEY$/];

export function childEnv(
  base: NodeJS.ProcessEnv,
  opts: { withhold: string[]; secrets: string[] },
): Record<string, string> {
  const extra = new Set(opts.withhold);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (extra.has(name) || WITHHELD.some((re) => re.test(name))) continue;
    // A variable under another name that carries a secret's value is withheld too.
    if (opts.secrets.some((s) => s.length >= 8 && value.includes(s))) continue;
    out[name] = value;
  }
  // Tests should not wait for a terminal or paint colours into the logs the digest reads.
  out.CI = out.CI ?? 'true';
  out.NO_COLOR = '1';
  out.FORCE_COLOR = '0';
  out.GIT_TERMINAL_PROMPT = '0';
  return out;
}
