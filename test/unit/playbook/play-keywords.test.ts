import { describe, expect, it } from 'vitest';
import { inheritPlayTags, parsePlayKeywords } from '../../../src/playbook/play-keywords.ts';
import { mapEntries } from '../../../src/playbook/yaml-map.ts';
import { parseYaml } from '../../../src/yaml/source.ts';
import { play, task } from '../../helpers/play.ts';

// The play keywords its hosts and tasks take on, read from a play mapping (the loader hands them
// over by key), and the play's tags inherited by every task.

function keywords(text: string) {
  const source = parseYaml('play.yaml', text);
  return parsePlayKeywords(new Map(mapEntries(source, source.document.contents, 'a play').map((entry) => [entry.key, entry])));
}

describe('parsePlayKeywords', () => {
  it('reads remote_user, connection, port, become_user, become_method and tags', () => {
    expect(keywords('hosts: all\nremote_user: ops\nconnection: local\nport: "2222"\nbecome_user: redis\nbecome_method: su\ntags: [a, "b,c"]\n')).toEqual({
      remoteUser: 'ops', connection: 'local', port: 2222, becomeUser: 'redis', becomeMethod: 'su', tags: ['a', 'b', 'c'],
    });
    expect(keywords('hosts: all\n')).toEqual({});
  });

  it.each([
    ['connection: docker', /play\.yaml:2:13: connection 'docker' is not supported \(ssh and local are\)/],
    ['port: 70000', /play\.yaml:2:7: 'port' must be a port number/],
    ['become_method: doas', /play\.yaml:2:16: become_method 'doas' is not supported \(sudo, su are\)/],
  ])('refuses %s at its value', (line, message) => {
    expect(() => keywords(`hosts: all\n${line}\n`)).toThrow(message);
  });
});

describe('inheritPlayTags', () => {
  it("adds the play's tags to every task's own, once", () => {
    const tagged = inheritPlayTags(play([task('a', { tags: ['x', 'web'] }), task('b')], { tags: ['web', 'deploy'] }));
    expect(tagged.tasks.map((t) => t.tags)).toEqual([['x', 'web', 'deploy'], ['web', 'deploy']]);
  });
});
