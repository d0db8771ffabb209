import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/core/pids.js';

describe('isProcessAlive', () => {
  it('is true for a running process and false for a pid that is gone', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = spawn('true');
    await new Promise((resolve) => child.on('close', resolve));
    expect(isProcessAlive(child.pid!)).toBe(false);
  });

  it('is false for a zombie (exited, not reaped: what a detached watcher is under a slow-reaping init)', async () => {
    // `sleep 0.1` runs in the background of a shell that then becomes `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (data) => resolve(String(data)))));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(() => process.kill(zombie, 0)).not.toThrow(); // the kernel still has it...
      expect(isProcessAlive(zombie)).toBe(false); // ...but it is not running
    } finally {
      parent.kill();
    }
  });
});
