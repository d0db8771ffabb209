/**
 * Agent states → the tab's status mark (tmux window icon, cmux sidebar), for panes workmux opened.
 * working → working, waiting → waiting, idle after having worked → done; starting/exited clear the mark.
 */
import type { AgentStatus, Backend, Tab } from '../../../backends/types.js';
import type { AgentState, EventBus } from '../events.js';
import { withTimeout } from './limits.js';

export function tabStatusFor(state: AgentState, hasWorked: boolean): AgentStatus | null | undefined {
  switch (state) {
    case 'working':
      return 'working';
    case 'waiting':
      return 'waiting';
    case 'idle':
      // An agent idle since it started has nothing to report yet: leave the mark as it is.
      return hasWorked ? 'done' : undefined;
    default:
      return null;
  }
}

export interface StatusSinkOptions {
  backend: Pick<Backend, 'setStatus'>;
  /** The tab of a pane workmux opened (others get no mark). */
  tabFor(paneId: string): Tab | undefined;
  hasWorked(paneId: string): boolean;
  callTimeoutMs?: number;
  log?: (line: string) => void;
}

export function attachStatusSink(bus: EventBus, options: StatusSinkOptions): () => void {
  const shown = new Map<string, AgentStatus | null>();
  return bus.on('agent.state', async (event) => {
    const tab = options.tabFor(event.paneId);
    if (!tab) return;
    const status = tabStatusFor(event.state, options.hasWorked(event.paneId));
    if (status === undefined || shown.get(event.paneId) === status) return;
    shown.set(event.paneId, status);
    try {
      await withTimeout(options.backend.setStatus(tab, status), options.callTimeoutMs ?? 3_000, `setting the status of ${tab.name}`);
    } catch (error) {
      options.log?.(`cannot set the tab status of ${tab.name}: ${(error as Error).message}`);
    }
  });
}
