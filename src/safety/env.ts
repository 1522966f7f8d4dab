// The environment a test command (or anything the model causes to run) gets: the runner's, minus every credential.

/** Names that are never passed to a child, whatever the user says. */
const WITHHELD = [/^INPUT_/, /^ACTIONS_/, /^GITHUB_TOKEN$/, /^GH_TOKEN$/, /^GITHUB_PAT$/, /^OPENAI_API_KEY$/];

/**
 * The runner's file commands. Through them a test (or code the model wrote) could poison the environment of
 * the steps after this one, forge this step's outputs, or flood its summary (vitest writes one when it sees
 * GITHUB_STEP_SUMMARY). They point to /dev/null rather than nowhere, so `echo X >> "$GITHUB_ENV"` still works.
 */
const FILE_COMMANDS = ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'];

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
  for (const name of FILE_COMMANDS) if (out[name] !== undefined) out[name] = '/dev/null';
  // Tests should not wait for a terminal. Colour settings stay as the runner has them: suites that test
  // their own colour handling must see what they see in CI; output is read with ANSI codes stripped.
  out.CI = out.CI ?? 'true';
  out.GIT_TERMINAL_PROMPT = '0';
  return out;
}

/**
 * What the action's own helper processes (its git) are given: enough to find programs, reach the network through
 * a proxy and trust a private CA, and nothing else. No input, runtime token, key or `GIT_CONFIG_*` entry of the
 * step's environment reaches them, so a filter or hook that still ran inside one would find nothing to take.
 */
const HELPER_ENV = [
  /^(PATH|HOME|USER|LOGNAME|TMPDIR|TZ|LANG|LANGUAGE|LC_[A-Z]+)$/,
  /^(HTTPS?_PROXY|NO_PROXY|ALL_PROXY|https?_proxy|no_proxy|all_proxy)$/,
  /^(GIT_SSL_CAINFO|GIT_SSL_CAPATH|SSL_CERT_FILE|SSL_CERT_DIR|GIT_EXEC_PATH|GIT_TRACE)$/,
];

export function helperEnv(base: NodeJS.ProcessEnv | Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && HELPER_ENV.some((re) => re.test(name))) out[name] = value;
  }
  return out;
}
