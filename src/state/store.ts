/**
 * Where copydesk keeps what it has done: the ledger, the freeze, the last run. Two backends behind
 * one interface: a git branch (in GitHub Actions: the default branch stays protected, the
 * publisher writes only its own branch) and a plain folder (local runs, `.copydesk/state`).
 */

/** A set of file writes computed from the latest state. Return `null` to write nothing. */
export type StateChange = (read: (path: string) => Promise<string | undefined>) => Promise<Record<string, string> | null>;

export interface StateStore {
  /** Human description for logs: `git branch copydesk-state on origin` / `folder .copydesk/state`. */
  readonly description: string;
  /** Fetch the latest state (git: fetch the branch). Cheap to call before each send. */
  refresh(): Promise<void>;
  /** Read a file of the state, or undefined when absent. */
  read(path: string): Promise<string | undefined>;
  /** Paths of the files under a folder of the state (recursive, forward slashes). */
  list(dir: string): Promise<string[]>;
  /**
   * Apply `change` on the newest state and persist it. Git: commit and push without force; when
   * the push is rejected (another run pushed), fetch, re-run `change` on the new tip and retry.
   * `change` must therefore be a pure function of what it reads (append, never overwrite blindly).
   */
  update(message: string, change: StateChange): Promise<void>;
}

/**
 * The state's history was rewritten under this machine: the tip it last wrote (its witness) is
 * no longer part of the state branch (force-pushed to an older or unrelated history, or deleted).
 * Nothing is read from or written to such a state: a ledger with lines removed would publish again
 * what already went out. A person must look (see `action`).
 */
export class StateRewrittenError extends Error {
  /** Where the state lives (`git branch copydesk-state on origin`). */
  readonly store: string;
  /** The tip copydesk last wrote (the witness ref). */
  readonly recorded: string;
  /** What the branch points at now; `null` when it was deleted. */
  readonly found: string | null;
  /** What a person should do, in plain words with the commands. */
  readonly action: string;
  constructor(o: { store: string; recorded: string; found: string | null; action: string }) {
    super(
      o.found === null
        ? `the state (${o.store}) was deleted; copydesk last wrote ${o.recorded.slice(0, 12)}. Nothing was sent or written.`
        : `the state's history was rewritten (${o.store} is at ${o.found.slice(0, 12)}, which does not contain ${o.recorded.slice(0, 12)}, the commit copydesk last wrote). Nothing was sent or written.`,
    );
    this.name = 'StateRewrittenError';
    this.store = o.store;
    this.recorded = o.recorded;
    this.found = o.found;
    this.action = o.action;
  }
}
