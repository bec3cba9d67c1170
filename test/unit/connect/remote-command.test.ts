import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { ENV_READER, envPrelude, EXEC_ID_VAR, KILL_TAGGED_SCRIPT, planCommand } from '../../../src/connect/remote-command.ts';

describe('planCommand', () => {
  it('runs an argv as is and shows it quoted', () => {
    expect(planCommand(['echo', 'a b'], { envOnStdin: true })).toEqual({ argv: ['echo', 'a b'], display: "echo 'a b'", stdinPrelude: null });
  });

  it('runs a shell command through sh -c and shows the script', () => {
    expect(planCommand({ shell: 'echo $HOME | wc -c' }, { envOnStdin: true })).toEqual({
      argv: ['sh', '-c', 'echo $HOME | wc -c'],
      display: 'echo $HOME | wc -c',
      stdinPrelude: null,
    });
  });

  it('puts env values on stdin behind a reader, never in the argv or the display', () => {
    const plan = planCommand(['redis-cli', 'ping'], { env: { REDISCLI_AUTH: 's3cret pass' }, envOnStdin: true });
    expect(plan.argv).toEqual(['sh', '-c', `${ENV_READER}; exec redis-cli ping`]);
    expect(plan.stdinPrelude?.toString()).toBe('REDISCLI_AUTH=s3cret pass\n\n');
    expect(JSON.stringify([plan.argv, plan.display])).not.toContain('s3cret');
  });

  it('leaves env to the caller when it is not to travel on stdin and no sudo is involved', () => {
    expect(planCommand(['env'], { env: { A: '1' }, envOnStdin: false })).toEqual({ argv: ['env'], display: 'env', stdinPrelude: null });
  });

  it('changes directory before exec, quoting it', () => {
    expect(planCommand(['make'], { cwd: "/opt/my dir's", envOnStdin: true }).argv).toEqual(['sh', '-c', `cd '/opt/my dir'\\''s' && exec make`]);
  });

  it('wraps in sudo -n, naming a user other than root, and carries env through sudo on stdin', () => {
    expect(planCommand(['id'], { become: {}, envOnStdin: true }).argv).toEqual(['sudo', '-n', '--', 'id']);
    expect(planCommand(['id'], { become: { user: 'redis' }, envOnStdin: true }).argv).toEqual(['sudo', '-n', '-u', 'redis', '--', 'id']);
    const plan = planCommand(['id'], { become: {}, env: { A: '1' }, envOnStdin: false });
    expect(plan.argv).toEqual(['sudo', '-n', '--', 'sh', '-c', `${ENV_READER}; exec id`]);
    expect(plan.stdinPrelude?.toString()).toBe('A=1\n\n');
  });

  it('becomes with su as Ansible\'s su plugin does: su USER -c LINE, a line the user\'s shell runs as the argv', () => {
    expect(planCommand(['id', '-un'], { become: { method: 'su' }, envOnStdin: true }).argv).toEqual(['su', 'root', '-c', 'id -un']);
    const plan = planCommand({ shell: `printf '%s|' "$A" 'it''s' "$HOME"` }, { become: { user: 'postgres', method: 'su' }, env: { A: "a 'b'" }, envOnStdin: false });
    const [su, user, flag, line] = plan.argv;
    expect([su, user, flag]).toEqual(['su', 'postgres', '-c']);
    // What su does with the line: the user's login shell runs it, env prelude first on stdin.
    const ran = spawnSync('sh', ['-c', line!], { input: plan.stdinPrelude ?? undefined, env: { HOME: '/home/x', PATH: process.env.PATH }, encoding: 'utf8' });
    expect(ran.stdout).toBe("a 'b'|its|/home/x|");
  });

  it('rejects an empty argv', () => {
    expect(() => planCommand([], { envOnStdin: true })).toThrow(InputError);
  });
});

describe('envPrelude', () => {
  it('rejects names the shell cannot export and values that would end the prelude, without echoing the value', () => {
    expect(() => envPrelude({ 'BAD-NAME': 'x' })).toThrow(/BAD-NAME/);
    const error = (() => {
      try {
        envPrelude({ PASS: 'top\nsecret' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toContain('PASS');
    expect(error?.message).not.toContain('secret');
  });
});

// The wrapper must work in dash (Debian's /bin/sh) and bash alike: run it for real.
const shells = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((s) => existsSync(s));

describe.each(shells)('the env reader under %s', (shell) => {
  it('exports awkward values and hands the rest of stdin to the command', () => {
    const plan = planCommand(['sh', '-c', 'printf "%s|%s|" "$A" "$B"; cat'], {
      env: { A: `it's $HOME \`id\` "q" \\n`, B: '' },
      envOnStdin: true,
    });
    const [, , script] = plan.argv;
    const input = Buffer.concat([plan.stdinPrelude!, Buffer.from('rest of\nstdin')]);
    const result = spawnSync(shell, ['-c', script], { input });
    expect(result.stdout.toString()).toBe(`it's $HOME \`id\` "q" \\n||rest of\nstdin`);
  });
});

describe('KILL_TAGGED_SCRIPT', () => {
  it('stops every process carrying the exec id, children included, and nothing else', async () => {
    const id = `unit${process.pid}${Date.now()}`;
    const tagged = spawn('sh', ['-c', 'sleep 30 & sleep 30; wait'], { env: { ...process.env, [EXEC_ID_VAR]: id }, stdio: 'ignore' });
    const bystander = spawn('sleep', ['30'], { env: { ...process.env, [EXEC_ID_VAR]: `${id}x` }, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise((resolve) => tagged.once('exit', (_code, signal) => resolve(signal)));
    const result = spawnSync('sh', ['-c', KILL_TAGGED_SCRIPT, 'sh', id]);
    expect(result.status).toBe(0);
    expect(await exited).toBe('SIGTERM');
    const survivors = spawnSync('sh', ['-c', `grep -lzx "${EXEC_ID_VAR}=$1" /proc/[0-9]*/environ`, 'sh', id], { encoding: 'utf8' }).stdout;
    expect(survivors).toBe('');
    expect(bystander.exitCode).toBeNull();
    bystander.kill();
  });
});
