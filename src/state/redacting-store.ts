/**
 * The state branch is a writer edge like stdout: whatever a change writes (ledger entries, run
 * records, the freeze and holding logs) and its commit message pass through the run's redactor
 * before they are stored, so a secret echoed in an error can never be committed and pushed.
 */
import type { StateStore } from './store.ts';

/** The same store, with every written file and commit message redacted. */
export function redactingStore(store: StateStore, redact: (text: string) => string): StateStore {
  return {
    description: store.description,
    refresh: () => store.refresh(),
    read: (p) => store.read(p),
    list: (d) => store.list(d),
    update: (message, change) =>
      store.update(redact(message), async (read) => {
        const writes = await change(read);
        if (!writes) return writes;
        return Object.fromEntries(Object.entries(writes).map(([path, text]) => [path, redact(text)]));
      }),
  };
}
