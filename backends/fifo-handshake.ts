import fs from 'node:fs';
import path from 'node:path';
import { nanoid } from 'nanoid';
import { run } from '../src/core/exec.js';
import { runtimeDir } from '../src/core/paths.js';
import { WorkmuxError } from '../src/core/errors.js';
import type { Handshake } from './types.js';

export class HandshakeTimeoutError extends WorkmuxError {
  constructor(timeoutMs: number, what: string) {
    super(`the new pane did not signal readiness within ${timeoutMs} ms (${what})`, {
      hint: 'check that your login shell starts cleanly; raise the timeout with WORKMUX_HANDSHAKE_TIMEOUT_MS',
    });
    this.name = 'HandshakeTimeoutError';
  }
}

/**
 * Named-pipe readiness handshake (WezTerm, cmux): a fifo (mode 0600) under the runtime dir; the pane
 * writes a line into it once it runs, workmux waits on it with a timeout. Opening a fifo for reading blocks
 * until a writer appears, so the read happens on a non-blocking descriptor polled by a timer instead of
 * parking a libuv thread that a timeout could never reclaim.
 */
export async function createFifoHandshake(env: NodeJS.ProcessEnv = process.env): Promise<Handshake> {
  const dir = runtimeDir(env);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fifo = path.join(dir, `ready-${nanoid(10).replace(/[^A-Za-z0-9]/g, 'x')}.fifo`);
  await run(['mkfifo', '-m', '600', fifo]);
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    fs.rmSync(fifo, { force: true });
  };
  return {
    // The path is made of [A-Za-z0-9/_.-] by construction above plus the runtime dir; quote it anyway.
    signalScript: `printf 'ready\\n' > ${shellQuote(fifo)}`,
    async wait(timeoutMs: number) {
      // O_RDWR never blocks on a fifo (Linux/macOS) and keeps the pipe open so the writer cannot get EPIPE.
      const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      const deadline = Date.now() + timeoutMs;
      const buffer = Buffer.alloc(64);
      try {
        for (;;) {
          try {
            if (fs.readSync(fd, buffer, 0, buffer.length, null) > 0) return;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          }
          if (Date.now() >= deadline) throw new HandshakeTimeoutError(timeoutMs, `fifo ${fifo}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        fs.closeSync(fd);
        await dispose();
      }
    },
    dispose,
  };
}

/** Single-quotes a string for POSIX sh. Only for values workmux built itself (paths, ids). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
