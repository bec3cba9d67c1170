import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';

/** The CLI run in-process, as `playgraph ARGS...`: its exit code and what it wrote to stdout and stderr. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await main(['node', 'playgraph', ...args], { stdout, stderr });
  return { code, out, err };
}
