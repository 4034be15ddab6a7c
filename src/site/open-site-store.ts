/**
 * The state store the site reads: the same `openStateStore(ctx, {readOnly: true})` the publisher
 * and the status command use (git branch `copydesk-state` in Actions or with COPYDESK_STATE=git,
 * else the folder `<root>/.copydesk/state`). Read-only: building the site never writes the state.
 */
import type { CommandContext } from '../cli/context.ts';
import { openStateStore } from '../state/open-store.ts';
import type { StateStore } from '../state/store.ts';

export function openSiteStore(ctx: CommandContext): Promise<StateStore> {
  return openStateStore(ctx, { readOnly: true });
}
