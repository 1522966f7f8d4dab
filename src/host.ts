// Where a run happens (a GitHub Actions step or a terminal): the engine talks to the outside only through this.

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  /** Runs one phase as a collapsible group (Actions) or a timed line (terminal). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface Host {
  log: Logger;
  /** Uploads the evidence folder; undefined when it cannot (warned, never fatal). */
  uploadEvidence(dir: string): Promise<{ url?: string } | undefined>;
  writeSummary(markdown: string): Promise<void>;
  /** Live test output (the CLI's progress line). */
  onTestOutput?(chunk: string): void;
}
