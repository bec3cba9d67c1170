// The benchmark trusts a time only when the tool's recap shows it did the work; these recaps are
// captured from real runs of both tools on the lab.
import { describe, expect, it } from 'vitest';
import { parseRecap, recapProblem } from '../../../bench/recap.ts';

const PLAYGRAPH_FIRST = `PLAYBOOK [bench/playbook.yaml] 2 hosts, 8 tasks

PLAY [bench] server1, server2
[server2] changed: stamp — run cp /opt/pgbench/motd /opt/pgbench/motd.done

PLAY RECAP
server1 : ok=0 changed=4 failed=0 blocked=0 skipped=0 unreachable=0
server2 : ok=0 changed=4 failed=0 blocked=0 skipped=0 unreachable=0

finished in 0.6s, exit code 0
`;

const ANSIBLE_SECOND = `TASK [stamp] *******************************************************************
ok: [server2]
ok: [server1]

PLAY RECAP *********************************************************************
server1                    : ok=4    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
server2                    : ok=4    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   

`;

const ANSIBLE_FIRST = ANSIBLE_SECOND.replaceAll('changed=0', 'changed=4');

describe('parseRecap', () => {
  it('sums playgraph recap counters over the hosts', () => {
    expect(parseRecap(PLAYGRAPH_FIRST)).toEqual({
      hosts: 2,
      counts: { ok: 0, changed: 8, failed: 0, blocked: 0, skipped: 0, unreachable: 0 },
    });
  });

  it('reads Ansible padded recap lines', () => {
    const recap = parseRecap(ANSIBLE_SECOND);
    expect(recap.hosts).toBe(2);
    expect(recap.counts).toMatchObject({ ok: 8, changed: 0, unreachable: 0, failed: 0, rescued: 0 });
  });

  it('refuses output without a recap (a tool that stopped early)', () => {
    expect(() => parseRecap('PLAY [bench]\nfatal: [server1]: UNREACHABLE!\n')).toThrow(/no PLAY RECAP/);
  });
});

describe('recapProblem', () => {
  const twoHosts = { hosts: 2, tasks: 8 };

  it('accepts first and second runs of both tools', () => {
    expect(recapProblem(parseRecap(PLAYGRAPH_FIRST), { ...twoHosts, changed: 8 })).toBeUndefined();
    expect(recapProblem(parseRecap(ANSIBLE_FIRST), { ...twoHosts, changed: 8 })).toBeUndefined();
    expect(recapProblem(parseRecap(ANSIBLE_SECOND), { ...twoHosts, changed: 0 })).toBeUndefined();
  });

  it('rejects a second run that changed something', () => {
    expect(recapProblem(parseRecap(ANSIBLE_FIRST), { ...twoHosts, changed: 0 })).toBe('changed=8, expected 0');
  });

  it('rejects a first run that did less than the work', () => {
    const partial = PLAYGRAPH_FIRST.replace('ok=0 changed=4 failed=0', 'ok=1 changed=3 failed=0');
    expect(recapProblem(parseRecap(partial), { ...twoHosts, changed: 8 })).toBe('changed=7, expected 8');
  });

  it('rejects failures, unreachable hosts and missing hosts', () => {
    const failed = ANSIBLE_SECOND.replace('failed=0', 'failed=1');
    expect(recapProblem(parseRecap(failed), { ...twoHosts, changed: 0 })).toBe('failed=1');
    const unreachable = PLAYGRAPH_FIRST.replace('unreachable=0', 'unreachable=1');
    expect(recapProblem(parseRecap(unreachable), { ...twoHosts, changed: 8 })).toBe('unreachable=1');
    expect(recapProblem(parseRecap(ANSIBLE_SECOND), { hosts: 3, tasks: 12, changed: 0 })).toBe('2 hosts in the recap, expected 3');
  });
});
