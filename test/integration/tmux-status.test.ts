import { describe, expect, it } from 'vitest';
import { createBackend } from '../../backends/tmux.js';
import { tmux, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let repo: string;
useTestRepo((world) => ({ t, repo } = world));

describe('tmux status icons', () => {
  it('shows the status icon in the window list through @workmux_status, keeping the user format', async () => {
    expect((await workmux(t, repo, ['add', 'icons', '-b'])).exitCode).toBe(0);
    const userFormat = await tmux(t, 'show-options', '-gv', 'window-status-format');
    const windowFormat = await tmux(t, 'show-options', '-wv', '-t', '=proj:wm-icons', 'window-status-format');
    expect(windowFormat).toBe(`#{?@workmux_status,#{@workmux_status} ,}${userFormat}`);
    const backend = createBackend({ env: t.env, projectName: 'proj', settings: {}, statusIcons: { working: 'W!', waiting: 'Q?', done: 'OK' } });
    const [pane] = await backend.listPanes();
    const tab = { id: pane!.tabId, name: pane!.tabName, scope: pane!.scope, paneId: pane!.id };
    await backend.setStatus(tab, 'waiting');
    expect(await tmux(t, 'display-message', '-p', '-t', pane!.id, '#{E:window-status-format}')).toMatch(/^Q\? /);
    await backend.setStatus(tab, null);
    expect(await tmux(t, 'display-message', '-p', '-t', pane!.id, '#{@workmux_status}')).toBe('');
    // the window keeps its name whatever the program in it sets as title
    await tmux(t, 'send-keys', '-t', pane!.id, '-l', `printf '\\033]2;renamed\\007'`);
    await tmux(t, 'send-keys', '-t', pane!.id, 'Enter');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await tmux(t, 'display-message', '-p', '-t', pane!.id, '#{window_name}')).toBe('wm-icons');
  });
});
