import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * A Redis of the test's own, to kill and restart (never the machine's shared one). Its append-only
 * file is fsynced on every write, as a production queue's Redis keeps its data across restarts.
 */
export async function startOwnRedis() {
  const port = await freePort();
  const folder = await mkdtemp(join(tmpdir(), 'backdrop-redis-'));
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        folder,
      ],
      { stdio: 'ignore' },
    );
    // Ready once it accepts connections.
    for (;;) {
      const ready = await new Promise<boolean>((done) => {
        const probe = spawn('redis-cli', ['-p', String(port), 'ping'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let answer = '';
        probe.stdout?.on('data', (chunk: Buffer) => {
          answer += chunk.toString();
        });
        probe.on('close', () => done(answer.trim() === 'PONG'));
      });
      if (ready) return;
      await new Promise((done) => setTimeout(done, 100));
    }
  };
  const kill = async () => {
    const exited = new Promise((done) => server?.once('exit', done));
    server?.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, kill };
}
