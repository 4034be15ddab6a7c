/**
 * The state store for crisis commands: the publisher's `openStateStore` (git branch in Actions or
 * with COPYDESK_STATE=git, else the folder `.copydesk/state`). Imported lazily so `copydesk status`
 * and `timeline` start fast and crisis modules load even where the git backend is not needed.
 */
import type { CommandContext } from '../cli/context.ts';
import type { StateStore } from './store.ts';

export async function openCrisisStore(ctx: CommandContext, opts: { readOnly?: boolean } = {}): Promise<StateStore> {
  const { openStateStore } = await import('./open-store.ts');
  return openStateStore(ctx, opts);
}
