import { describe, expect, it } from 'vitest';
import { derivedSecrets } from '../../../src/run/secret-derive.ts';
import { MASK, SecretMasker, secretsFromVars } from '../../../src/run/secrets.ts';

const vars = {
  db_pwd: 'hunter2',
  user: 'app',
  count: 1,
  creds: { login: 'admin', password: 'pa55' },
  holder: { api_token: 't0k' },
  hostvars: { web1: { ansible_host: '10.0.0.7', ansible_become_password: 'b3come' }, web2: { ansible_host: '10.0.0.8' } },
  names: ['alpha', 'beta'],
};

function maskerFor(values: Record<string, unknown>): SecretMasker {
  const masker = new SecretMasker();
  for (const secret of secretsFromVars(values)) masker.add(secret);
  return masker;
}

const cases: { template: unknown; secrets: string[] }[] = [
  { template: '{{ db_pwd | b64encode }}', secrets: ['aHVudGVyMg=='] },
  { template: '{{ db_pwd | upper }}', secrets: ['HUNTER2'] },
  { template: '{{ db_pwd | reverse }}', secrets: ['2retnuh'] },
  // The secret expression and, for a short one, the word it stands in; `{{ user }}` reads no secret and stays ordinary.
  { template: '{{ user }}:{{ creds.password }}@db', secrets: ['pa55', 'app:pa55@db'] },
  // A long one is masked anywhere, so the word around it need not be a secret.
  { template: '{{ user }}:{{ db_pwd | b64encode }}@db', secrets: ['aHVudGVyMg=='] },
  { template: 'mysql -u {{ user }} -p{{ db_pwd | upper }} --batch', secrets: ['HUNTER2', '-pHUNTER2'] },
  { template: 'user={{ user }}\npass={{ db_pwd | reverse }}\n', secrets: ['2retnuh', 'pass=2retnuh'] },
  { template: "{{ user ~ db_pwd }}", secrets: ['apphunter2'] },
  // A value holding a secret, reached by attribute: creds.password is a secret leaf.
  { template: '{{ creds.password | b64encode }}', secrets: ['cGE1NQ=='] },
  // Looked up by a secret name: a key, an environment variable.
  { template: "{{ holder['api_token'] | upper }}", secrets: ['T0K'] },
  { template: "{{ lookup('env', 'PLAYGRAPH_TEST_DB_PASSWORD') | reverse }}", secrets: ['vne-morf'] },
  // In a loop of a statement: the whole output is the secret.
  { template: '{% for c in db_pwd %}{{ c | upper }}{% endfor %}', secrets: ['HUNTER2'] },
  // Nested values: every template leaf is looked at.
  { template: { cmd: ['echo', '{{ db_pwd | reverse }}'], plain: '{{ user }}' }, secrets: ['2retnuh'] },
  // Not secrets: what no secret changes, though the variable read also holds secrets.
  { template: '{{ creds.login | upper }} {{ hostvars.web1.ansible_host }} {{ hostvars["web1"].ansible_host }}', secrets: [] },
  { template: '{% for h in hostvars %}{{ hostvars[h].ansible_host }} {% endfor %}', secrets: [] },
  { template: '{{ hostvars.web1.ansible_become_password | upper }}', secrets: ['B3COME'] },
  { template: "{{ hostvars['web1']['ansible_become_password'] | reverse }}", secrets: ['emoc3b'] },
  // Not secrets: no secret read, numbers, booleans, literals of the template itself.
  { template: '{{ user | upper }} {{ count + 1 }} {{ names | join(",") }}', secrets: [] },
  { template: '{{ db_pwd | length }}', secrets: [] },
  { template: '{{ db_pwd is defined }}', secrets: [] },
  { template: "{{ 'yes' if db_pwd else 'no' }}", secrets: [] },
  { template: 'no template at all: db_pwd', secrets: [] },
];

process.env.PLAYGRAPH_TEST_DB_PASSWORD = 'from-env';

describe('derivedSecrets', () => {
  it.each(cases)('$template derives $secrets', ({ template, secrets }) => {
    const masker = maskerFor(vars);
    expect(derivedSecrets(template, vars, masker).sort()).toEqual(secrets.sort());
  });

  it('makes the masked output hide every derived form while ordinary values stay', () => {
    const masker = maskerFor(vars);
    const template = 'echo {{ user }} {{ count }} {{ db_pwd | b64encode }} {{ db_pwd | reverse }}';
    for (const secret of derivedSecrets(template, vars, masker)) masker.add(secret);
    expect(masker.mask('stdout: app 1 aHVudGVyMg== 2retnuh')).toBe(`stdout: app 1 ${MASK} ${MASK}`);
    expect(masker.mask('echo app 1 aHVudGVyMg== 2retnuh')).toBe(`echo app 1 ${MASK} ${MASK}`);
  });

  it('follows secrets the masker learnt otherwise (vault, no_log) by value, whatever the name', () => {
    const masker = new SecretMasker();
    masker.add('from-vault');
    const plain = { conn: 'from-vault' };
    expect(derivedSecrets('{{ conn | upper }}', plain, masker)).toEqual(['FROM-VAULT']);
    expect(derivedSecrets('{{ conn | upper }}', plain, new SecretMasker())).toEqual([]);
  });
});
