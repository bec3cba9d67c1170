import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// ansible-playbook as the reference in end-to-end tests: run the same playbook Ansible's way and
// read its PLAY RECAP, so playgraph's result is compared with Ansible's rather than with a guess.

export interface AnsibleRun {
  code: number;
  stdout: string;
  /** Per host: ok, changed, unreachable, failed, skipped, rescued, ignored. */
  recap: Record<string, Record<string, number>>;
}

/** An inventory file's text for the local connection with Debian's python, as both tools read it. */
export const LOCAL_INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n';

export async function ansiblePlaybook(args: string[]): Promise<AnsibleRun> {
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_RETRY_FILES_ENABLED: 'False' };
  let stdout: string;
  let code = 0;
  try {
    ({ stdout } = await promisify(execFile)('ansible-playbook', args, { env, maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    code = failed.code;
    stdout = failed.stdout ?? '';
  }
  const recap: AnsibleRun['recap'] = {};
  const section = stdout.slice(stdout.lastIndexOf('PLAY RECAP'));
  for (const line of section.split('\n').slice(1)) {
    const match = /^(\S+)\s*:\s*(.*)$/.exec(line.trim());
    if (!match) continue;
    recap[match[1]] = Object.fromEntries([...match[2].matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key, Number(value)]));
  }
  return { code, stdout, recap };
}
