/**
 * A network stand-in that can also delete (for the retraction tests): the publisher helpers'
 * counting network, plus `remove` that really takes a part out of `delivered`, counts the
 * deletions that took something down, and can be told to fail.
 */
import type { Channel, RemoveResult } from '../../src/publish/channel.ts';
import type { Network } from '../../src/post/network.ts';
import { countingNetwork, type CountingNetwork } from '../publish/publisher-helpers.ts';

export interface RemovingNetwork extends CountingNetwork {
  /** Every remove call, in order (id asked). */
  removeCalls: string[];
  /** Ids actually taken down (each at most once, as on a real network). */
  removedIds: string[];
  /** Answer the next remove calls with these instead (then normal). */
  removeFaults: RemoveResult[];
  /** Called after a part was really taken down, before the answer returns. */
  onRemoved?: (id: string) => Promise<void> | void;
}

export function removingNetwork(name: Network): RemovingNetwork {
  const base = countingNetwork(name);
  const net = base as RemovingNetwork;
  net.removeCalls = [];
  net.removedIds = [];
  net.removeFaults = [];
  const make = base.channel.bind(base);
  net.channel = (): Channel => {
    const ch = make();
    return {
      ...ch,
      async remove(ref): Promise<RemoveResult> {
        net.removeCalls.push(ref.id);
        const fault = net.removeFaults.shift();
        if (fault) return fault;
        const i = net.delivered.findIndex((d) => d.id === ref.id);
        if (i < 0) return { status: 'removed', alreadyGone: true };
        net.delivered.splice(i, 1);
        net.removedIds.push(ref.id);
        await net.onRemoved?.(ref.id);
        return { status: 'removed', alreadyGone: false };
      },
    };
  };
  return net;
}
