import { describe, expect, it } from 'vitest';
import { scriptCommandLine, scriptParams, scriptSkipReason, scriptSource } from './script.ts';

describe('script', () => {
  it('takes the script path as the first word, keeping the arguments as written', () => {
    expect(scriptSource('setup.sh --name "a b" x')).toBe('setup.sh');
    expect(scriptSource("'my script.sh' 1")).toBe('my script.sh');
    expect(scriptCommandLine({ cmd: 'setup.sh --name "a b" $HOME' }, '/tmp/d/setup.sh')).toBe('/tmp/d/setup.sh --name "a b" $HOME');
    expect(scriptCommandLine({ cmd: 'tool.py 1', executable: '/usr/bin/python3' }, '/tmp/d/tool.py')).toBe('/usr/bin/python3 /tmp/d/tool.py 1');
  });

  it('skips with Ansible\'s messages for creates and removes', () => {
    expect(scriptSkipReason({ creates: '/opt/done' }, { createsExists: true })).toBe('/opt/done exists, matching creates option');
    expect(scriptSkipReason({ creates: '/opt/done' }, { createsExists: false })).toBeNull();
    expect(scriptSkipReason({ removes: '/opt/todo' }, { removesExists: false })).toBe('/opt/todo does not exist, matching removes option');
    expect(scriptSkipReason({ removes: '/opt/todo' }, { removesExists: true })).toBeNull();
    expect(scriptSkipReason({}, {})).toBeNull();
  });

  it('refuses a relative chdir and unbalanced quotes', () => {
    expect(scriptParams.safeParse({ cmd: 'a.sh', chdir: 'tmp' }).success).toBe(false);
    expect(scriptParams.safeParse({ cmd: 'a.sh "x' }).success).toBe(false);
    expect(scriptParams.parse({ cmd: 'a.sh' }).decrypt).toBe(true);
  });
});
