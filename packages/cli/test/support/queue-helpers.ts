import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRedisJobs } from '@backdrop/jobs';

export const sharedRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue name of the test's own (keys `backdrop:<name>:*`), and a way to delete it afterwards. */
export function testQueueName(): string {
  return `cli-test-${randomUUID()}`;
}

export async function destroyQueue(url: string, name: string): Promise<void> {
  const queue = createRedisJobs({ url, name });
  try {
    await queue.destroy();
  } finally {
    await queue.close();
  }
}

/** The id `backdrop batch --queue` gives the job of an output base. */
export function jobIdOf(outputBase: string): string {
  return createHash('sha256').update(resolve(outputBase)).digest('hex').slice(0, 32);
}

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

/** Polls until `check` holds; the timeout is a guard against a hang, not a measure. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
