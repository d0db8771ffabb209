import { createWeztermBackend } from '../../backends/wezterm.js';
import { DEFAULT_STATUS_ICONS } from '../../src/config/load.js';
import { startWeztermEmulator } from '../emulators/wezterm/harness.js';
import { describeBackendContract } from './backend-contract.js';

describeBackendContract('wezterm (emulated `wezterm cli` over a private tmux server)', async () => {
  const wez = await startWeztermEmulator();
  const backend = createWeztermBackend(
    { env: wez.env, projectName: 'contract', settings: {}, statusIcons: { ...DEFAULT_STATUS_ICONS } },
    // A cross-workspace jump must never write escapes to the terminal running the tests.
    { writeTerminal: () => undefined },
  );
  return { backend, cleanup: () => wez.cleanup() };
});
