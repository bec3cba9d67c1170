import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playFactsDecision } from '../../../src/facts/play-reads.ts';
import { factReadIn } from '../../../src/facts/reads.ts';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import type { Play } from '../../../src/playbook/types.ts';
import { taskSearchPath } from '../../../src/run/search-path.ts';

// Whether a play gathers facts (playbook in, decision and graph out): only when something it
// evaluates reads a fact, with the reason the plan shows; then one gather node per host that
// every first node of the host waits for.

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-gathering-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

async function playOf(yaml: string, templates: Record<string, string> = {}): Promise<Play> {
  const dir = path.join(scratch, `p${count++}`);
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  for (const [name, text] of Object.entries(templates)) writeFileSync(path.join(dir, 'templates', name), text);
  writeFileSync(path.join(dir, 'site.yml'), yaml);
  return (await loadPlaybook(path.join(dir, 'site.yml'))).plays[0]!;
}

const decide = (play: Play, hostVars: Record<string, unknown> = {}, selected?: Set<string>) =>
  playFactsDecision(play, { selected, hostVars: new Map(Object.entries(hostVars)), searchPath: (task) => taskSearchPath(play, task) });

describe('which names are facts', () => {
  it.each([
    ["{{ ansible_facts['distribution'] }}", 'ansible_facts'],
    ['ansible_os_family == "Debian"', 'ansible_os_family'],
    ["{{ hostvars[h]['ansible_' ~ iface] }}", 'ansible_'],
    ['{{ ansible_host }}:{{ ansible_port }} as {{ ansible_user }}', undefined],
    ['{{ ansible_become_user }} {{ ansible_play_hosts }} {{ ansible_check_mode }} {{ ansible_python_interpreter }}', undefined],
    ['{{ ansible_ssh_private_key_file }} {{ ansible_loop.index }}', undefined],
    ['my_ansible_thing', undefined],
  ])('%s -> %s', (text, fact) => {
    expect(factReadIn(text)).toBe(fact);
  });
});

describe('the facts decision', () => {
  it('a play that reads no fact does not gather, and says so', async () => {
    const play = await playOf('- hosts: all\n  tasks:\n    - command: echo {{ ansible_host }}\n');
    expect(decide(play)).toEqual({ gather: false, reason: 'facts not gathered: no task reads them' });
  });

  it('gather_facts: false never gathers', async () => {
    const play = await playOf('- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { var: ansible_hostname }\n');
    expect(decide(play)).toEqual({ gather: false, reason: 'facts not gathered: gather_facts: false' });
  });

  it('a condition reading a fact gathers, naming the task and where it is', async () => {
    const play = await playOf('- hosts: all\n  tasks:\n    - name: only on Debian\n      command: "true"\n      when: ansible_os_family == "Debian"\n');
    expect(decide(play)).toEqual({ gather: true, reason: expect.stringMatching(/^gathering facts: ansible_os_family read by task "only on Debian" at .*site\.yml:3$/) });
  });

  it("a template file reading ansible_facts['distribution'] gathers", async () => {
    const play = await playOf('- hosts: all\n  tasks:\n    - template: { src: motd.j2, dest: /tmp/motd }\n', { 'motd.j2': "Welcome to {{ ansible_facts['distribution'] }}\n" });
    expect(decide(play).reason).toMatch(/^gathering facts: ansible_facts read by the template of task "task1" at /);
  });

  it('a template it includes counts too; a template whose name is a template may read anything', async () => {
    const included = await playOf('- hosts: all\n  tasks:\n    - template: { src: page.j2, dest: /tmp/page }\n', { 'page.j2': "{% include 'footer.j2' %}\n", 'footer.j2': '{{ ansible_nodename }}\n' });
    expect(decide(included).reason).toMatch(/^gathering facts: ansible_nodename read by the template of task "task1"/);
    const plain = await playOf('- hosts: all\n  tasks:\n    - template: { src: page.j2, dest: /tmp/page }\n', { 'page.j2': "{% include 'footer.j2' %}\n", 'footer.j2': 'plain\n' });
    expect(decide(plain).gather).toBe(false);
    const lookedUp = await playOf('- hosts: all\n  tasks:\n    - copy: { content: "{{ lookup(\'template\', \'footer.j2\') }}", dest: /tmp/f }\n', { 'footer.j2': '{{ ansible_nodename }}\n' });
    expect(decide(lookedUp).reason).toMatch(/^gathering facts: ansible_nodename read by the template of task "task1"/);
    const dynamic = await playOf('- hosts: all\n  vars: { page: x.j2 }\n  tasks:\n    - template: { src: "{{ page }}", dest: /tmp/page }\n');
    expect(decide(dynamic).gather).toBe(true);
  });

  it('inventory vars and play vars that read facts gather', async () => {
    const plain = await playOf('- hosts: all\n  tasks:\n    - command: echo {{ pkg }}\n');
    expect(decide(plain, { web1: { pkg: "{{ 'apache2' if ansible_os_family == 'Debian' else 'httpd' }}" } }).reason).toBe('gathering facts: ansible_os_family read by the inventory vars of web1');
    const withVars = await playOf('- hosts: all\n  vars:\n    me: "{{ ansible_fqdn }}"\n  tasks:\n    - command: echo hi\n');
    expect(decide(withVars).reason).toMatch(/^gathering facts: ansible_fqdn read by the vars of play "all"/);
  });

  it('only the tasks --tags selected count', async () => {
    const play = await playOf('- hosts: all\n  tasks:\n    - command: echo {{ ansible_hostname }}\n      tags: [facts]\n    - command: echo hi\n      tags: [plain]\n');
    expect(decide(play, {}, new Set([play.tasks[1]!.id])).gather).toBe(false);
    expect(decide(play, {}, new Set([play.tasks[0]!.id])).gather).toBe(true);
  });

  it('gather_subset is checked as Ansible checks it', async () => {
    await expect(playOf('- hosts: all\n  gather_subset: [hardwre]\n  tasks: []\n')).rejects.toThrow(/site\.yml:2:\d+: Bad subset 'hardwre' given to Ansible/);
  });
});

describe('the gather nodes', () => {
  it('one per host, named as Ansible shows it, before every first node of its host', async () => {
    const play = await playOf('- hosts: all\n  gather_subset: [network]\n  tasks:\n    - id: a\n      command: echo {{ ansible_default_ipv4.address }}\n    - id: b\n      command: "true"\n    - id: c\n      needs: []\n      command: "true"\n');
    const graph = buildPlayGraph(0, play, ['h1', 'h2'], { facts: decide(play) });
    const gather = graph.nodes.get('gather_facts@h1')!;
    expect(gather.task).toMatchObject({ name: 'Gathering Facts', module: 'core.setup', params: { gather_subset: ['network'] } });
    const from = (id: string) => graph.edges.filter(([, to]) => to === id).map(([source]) => source).sort();
    expect(from('a@h1')).toEqual(['gather_facts@h1']);
    expect(from('c@h2')).toEqual(['gather_facts@h2']);
    expect(from('b@h1')).toEqual(['a@h1']);
    expect(graph.facts?.gather).toBe(true);
  });

  it('none when the play does not gather', async () => {
    const play = await playOf('- hosts: all\n  tasks:\n    - command: "true"\n');
    const graph = buildPlayGraph(0, play, ['h1'], { facts: decide(play) });
    expect([...graph.nodes.keys()]).toEqual(['task1@h1']);
  });
});
