import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killTmuxServer } from '../helpers/env.js';
import { createBackend } from '../../backends/tmux.js';
import { DEFAULT_STATUS_ICONS } from '../../src/config/load.js';
import { describeBackendContract } from './backend-contract.js';

describeBackendContract('tmux (embedded server on a private socket)', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-tmux-contract-'));
  fs.writeFileSync(path.join(home, '.bash_profile'), 'PS1="$ "\n');
  const socket = `wm-contract-${process.pid}`;
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SHELL: '/bin/bash', WORKMUX_TMUX_SOCKET: socket, HISTFILE: '/dev/null' };
  for (const name of ['TMUX', 'TMUX_PANE', 'WEZTERM_PANE', 'CMUX_WORKSPACE_ID']) delete env[name];
  const backend = createBackend({ env, projectName: 'contract', settings: {}, statusIcons: { ...DEFAULT_STATUS_ICONS } });
  return {
    backend,
    async cleanup() {
      await killTmuxServer(socket);
      fs.rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
});
