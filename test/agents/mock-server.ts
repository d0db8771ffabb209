/**
 * What every loopback model-API mock shares: a request log tests can wait on, an HTTP server on 127.0.0.1
 * that hands each request's whole body to the mock's answer function, and a close that drops open streams.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoggedRequest {
  kind: string;
}

export interface MockServer<R extends LoggedRequest> {
  url: string;
  port: number;
  readonly requests: R[];
  /** Resolves once `count` requests of this kind have arrived (counting earlier ones). */
  waitForRequest(kind: R['kind'], count?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type Answer<R extends LoggedRequest> = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
  record: (entry: R) => void,
) => Promise<unknown>;

export async function startMockServer<R extends LoggedRequest>(label: string, answer: Answer<R>): Promise<MockServer<R>> {
  const requests: R[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const record = (entry: R) => {
    requests.push(entry);
    for (const wake of waiters) wake();
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void answer(req, res, Buffer.concat(chunks).toString('utf8'), record).catch(() => res.destroy()));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    waitForRequest(kind, count = 1, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (requests.filter((r) => r.kind === kind).length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${label} mock: no ${count}× '${kind}' request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
