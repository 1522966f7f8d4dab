// Typed delivery errors: the caller branches on these (report a conflict, skip an empty change) instead of parsing messages.

export interface ForeignCommit {
  sha: string;
  author: string;
  subject: string;
}

/** The remote branch holds work redgreen did not make, or moved while pushing; it is left as it is. */
export class BranchConflictError extends Error {
  override readonly name = 'BranchConflictError';
  constructor(
    readonly branch: string,
    readonly foreign?: ForeignCommit,
  ) {
    super(
      foreign
        ? `Branch ${branch} has a commit redgreen did not make (${foreign.sha.slice(0, 7)} "${foreign.subject}" by ${foreign.author}); ` +
            'it was not overwritten. Delete the branch or merge it, then run again.'
        : `Branch ${branch} changed on the remote while pushing; it was not overwritten. Run again.`,
    );
  }
}

/** A push to a branch redgreen may not write: outside its prefix, the default branch, or the branch that failed. */
export class RefusedBranchError extends Error {
  override readonly name = 'RefusedBranchError';
  constructor(
    readonly branch: string,
    why: string,
  ) {
    super(`Refusing to push to ${branch}: ${why}`);
  }
}

/** The listed files hold no change against the base commit. */
export class NoChangesError extends Error {
  override readonly name = 'NoChangesError';
  constructor() {
    super('The files to push are the same as in the base commit; nothing to push.');
  }
}
