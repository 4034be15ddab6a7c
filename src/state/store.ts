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
