import { createCmuxBackend } from '../../backends/cmux.js';
import { DEFAULT_STATUS_ICONS } from '../../src/config/load.js';
import { startCmuxEmulator } from '../emulators/cmux/harness.js';
import { describeBackendContract } from './backend-contract.js';

describeBackendContract('cmux (emulated `cmux` CLI over a private tmux server)', async () => {
  const em = await startCmuxEmulator();
  const backend = createCmuxBackend({ env: em.env, projectName: 'contract', settings: {}, statusIcons: { ...DEFAULT_STATUS_ICONS } });
  return { backend, cleanup: () => em.cleanup() };
});
