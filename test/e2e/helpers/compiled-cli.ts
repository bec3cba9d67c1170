// Runs a command to its end for the tests of the compiled and the installed CLI, with
// PLAYGRAPH_FROM_SOURCE taken out of the environment (the e2e setup sets it for every other
// test): these must run what a user runs, dist/ JavaScript.
import { execFile } from 'node:child_process';

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

export function compiledEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.PLAYGRAPH_FROM_SOURCE;
  return env;
}

export function finish(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? compiledEnv(), timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && code === -1) reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}
