// Masks secrets, and the forms they take on the way out (base64 auth headers, URL encoding), in everything written.
import * as core from '@actions/core';

export class Redactor {
  private readonly needles = new Set<string>();
  /** Longest first, so a secret that contains another is replaced whole; kept sorted as secrets are added. */
  private ordered: string[] = [];

  /** Registers a secret and its derived forms; masks them in the Actions log too. */
  add(secret: string | undefined, opts: { mask?: boolean } = {}): void {
    if (!secret || secret.length < 4) return;
    // Logs are redacted line by line: a multi-line secret (a PEM key) is also caught one line at a time.
    if (secret.includes('\n')) {
      for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 8) this.add(line.trim(), opts);
    }
    const forms = [
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(`x-access-token:${secret}`).toString('base64'),
      Buffer.from(`:${secret}`).toString('base64'),
    ];
    for (const form of forms) {
      if (form.length < 4 || this.needles.has(form)) continue;
      this.needles.add(form);
      if (opts.mask !== false) core.setSecret(form);
    }
    this.ordered = [...this.needles].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.needles.size;
  }

  redact = (text: string): string => {
    let out = text;
    for (const needle of this.ordered) {
      if (out.includes(needle)) out = out.split(needle).join('***');
    }
    return out;
  };
}
