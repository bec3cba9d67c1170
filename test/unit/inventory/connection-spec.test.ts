import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { connectionSpecFor } from '../../../src/inventory/connection-spec.ts';
import type { ConnectionSpec, Vars } from '../../../src/inventory/types.ts';

const host = (name: string, vars: Vars) => ({ name, groups: [], vars });

describe('connectionSpecFor', () => {
  it.each<[string, string, Vars, ConnectionSpec]>([
    ['defaults', 'server1', {}, { kind: 'ssh', address: 'server1', port: 22, become: false }],
    [
      'all connection vars',
      'server1',
      { ansible_host: '10.0.0.11', ansible_port: 2222, ansible_user: 'deploy', ansible_ssh_private_key_file: '/keys/id', ansible_become: true, ansible_become_user: 'redis' },
      { kind: 'ssh', address: '10.0.0.11', port: 2222, user: 'deploy', privateKeyFile: '/keys/id', become: true, becomeUser: 'redis' },
    ],
    ['~ in the key path', 'a', { ansible_ssh_private_key_file: '~/.ssh/lab' }, { kind: 'ssh', address: 'a', port: 22, privateKeyFile: `${homedir()}/.ssh/lab`, become: false }],
    ['port as INI/YAML string', 'a', { ansible_port: '2200' }, { kind: 'ssh', address: 'a', port: 2200, become: false }],
    ['become: yes (YAML 1.2 string / INI)', 'a', { ansible_become: 'yes' }, { kind: 'ssh', address: 'a', port: 22, become: true }],
    ['become: False', 'a', { ansible_become: 'False' }, { kind: 'ssh', address: 'a', port: 22, become: false }],
    ['smart is ssh', 'a', { ansible_connection: 'smart' }, { kind: 'ssh', address: 'a', port: 22, become: false }],
    ['paramiko is ssh', 'a', { ansible_connection: 'paramiko' }, { kind: 'ssh', address: 'a', port: 22, become: false }],
    ['local', 'box', { ansible_connection: 'local' }, { kind: 'local', address: 'box', port: 22, become: false }],
    ['FQCN local', 'box', { ansible_connection: 'ansible.builtin.local' }, { kind: 'local', address: 'box', port: 22, become: false }],
    // A listed localhost is an ordinary host: ssh unless it says local (Ansible's implicit-localhost rule).
    ['listed localhost keeps ssh', 'localhost', {}, { kind: 'ssh', address: 'localhost', port: 22, become: false }],
    ['listed 127.0.0.1 keeps ssh', '127.0.0.1', {}, { kind: 'ssh', address: '127.0.0.1', port: 22, become: false }],
    ['become method su', 'a', { ansible_become: true, ansible_become_method: 'su' }, { kind: 'ssh', address: 'a', port: 22, become: true, becomeMethod: 'su' }],
    ['old aliases', 'a', { ansible_ssh_host: '10.0.0.9', ansible_ssh_port: 2022, ansible_ssh_user: 'old' }, { kind: 'ssh', address: '10.0.0.9', port: 2022, user: 'old', become: false }],
  ])('%s', (_, name, vars, expected) => {
    expect(connectionSpecFor(host(name, vars))).toEqual(expected);
  });

  it.each<[Vars, RegExp]>([
    [{ ansible_connection: 'docker' }, /host web1: ansible_connection 'docker' is not supported/],
    [{ ansible_port: 'ssh' }, /host web1: ansible_port must be a port number/],
    [{ ansible_port: 70000 }, /host web1: ansible_port must be a port number/],
    [{ ansible_become: 'maybe' }, /host web1: ansible_become must be a boolean/],
    [{ ansible_host: ['a', 'b'] }, /host web1: ansible_host must be a string/],
    [{ ansible_become_method: 'doas' }, /host web1: become method 'doas' is not supported \(sudo, su are\)/],
  ])('%j is an InputError naming the host', (vars, message) => {
    expect(() => connectionSpecFor(host('web1', vars))).toThrow(InputError);
    expect(() => connectionSpecFor(host('web1', vars))).toThrow(message);
  });
});
