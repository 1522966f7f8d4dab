// Masks secrets, and the forms they take on the way out (base64 auth headers, URL encoding), in everything written.
import * as core from '@actions/core';

export class Redactor {
  private readonly needles = new Set<string>();

  /** Registers a secret and its derived forms; masks them in the Actions log too. */
  add(secret: string | undefined, opts: { mask?: boolean } = {}): void {
    if (!secret || secret.length < 4) return;
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
  }

  get size(): number {
    return this.needles.size;
  }

  redact = (text: string): string => {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const needle of [...this.needles].sort((a, b) => b.length - a.length)) {
      if (out.includes(needle)) out = out.split(needle).join('***');
    }
    return out;
  };
}
