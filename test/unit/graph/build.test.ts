import { describe, expect, it } from 'vitest';
import { GraphCycleError } from '../../../src/errors.ts';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import { findCycle } from '../../../src/graph/cycle.ts';
import { play, task } from '../../helpers/play.ts';

const hosts = ['server1', 'server2', 'server3'];
const sortedEdges = (edges: [string, string][]) => edges.map(([a, b]) => `${a} -> ${b}`).sort();

describe('buildPlayGraph', () => {
  it('makes one node per task and host, with needs as same-host edges', () => {
    const graph = buildPlayGraph(0, play([task('build'), task('config'), task('start', { needs: ['build', 'config'] })]), hosts.slice(0, 2));
    expect([...graph.nodes.keys()].sort()).toEqual(
      ['build@server1', 'build@server2', 'config@server1', 'config@server2', 'start@server1', 'start@server2'],
    );
    expect(sortedEdges(graph.edges)).toEqual([
      'build@server1 -> start@server1',
      'build@server2 -> start@server2',
      'config@server1 -> start@server1',
      'config@server2 -> start@server2',
    ]);
  });

  it('joins every host instance to and from a run_once task', () => {
    const graph = buildPlayGraph(
      0,
      play([task('start'), task('meet', { runOnce: true, needs: ['start'] }), task('check', { needs: ['meet'] })]),
      hosts,
    );
    expect(graph.nodes.get('meet')!.host).toBe('server1');
    expect(sortedEdges(graph.edges)).toEqual([
      'meet -> check@server1',
      'meet -> check@server2',
      'meet -> check@server3',
      'start@server1 -> meet',
      'start@server2 -> meet',
      'start@server3 -> meet',
    ]);
  });

  it('leaves unselected needs out and records them as taken as satisfied', () => {
    const graph = buildPlayGraph(0, play([task('build'), task('start', { needs: ['build'] })]), ['h'], {
      selected: new Set(['start']),
    });
    expect([...graph.nodes.keys()]).toEqual(['start@h']);
    expect(graph.nodes.get('start@h')!.assumedNeeds).toEqual(['build']);
    expect(graph.edges).toEqual([]);
  });

  it('pulls needs in transitively with --with-needs', () => {
    const tasks = [task('a'), task('b', { needs: ['a'] }), task('c', { needs: ['b'] }), task('d')];
    const graph = buildPlayGraph(0, play(tasks), ['h'], { selected: new Set(['c']), withNeeds: true });
    expect([...graph.nodes.keys()].sort()).toEqual(['a@h', 'b@h', 'c@h']);
    expect(graph.nodes.get('c@h')!.assumedNeeds).toEqual([]);
  });

  it('puts notified handlers after the tasks of their flush point, on the same host', () => {
    const handler = task('restart', { name: 'restart redis' });
    const graph = buildPlayGraph(0, play([task('config', { notify: ['restart redis'] }), task('other')], { handlers: [handler] }), ['a', 'b']);
    expect(sortedEdges(graph.edges)).toEqual(['config@a -> restart@a', 'config@b -> restart@b', 'other@a -> restart@a', 'other@b -> restart@b']);
    expect(graph.nodes.get('restart@a')!.notifiedBy).toEqual(['config@a']);
    expect(graph.nodes.get('restart@a')!.section).toBe('handlers');
  });

  it('refuses a cycle, naming its path and the position of the needs', () => {
    const tasks = [
      task('a', { needs: ['c'], keyPositions: { needs: { file: 'p.yaml', line: 4, column: 12 } } }),
      task('b', { needs: ['a'] }),
      task('c', { needs: ['b'] }),
    ];
    expect(() => buildPlayGraph(0, play(tasks), ['h'])).toThrow(GraphCycleError);
    try {
      buildPlayGraph(0, play(tasks), ['h']);
    } catch (error) {
      const cycle = error as GraphCycleError;
      expect(cycle.path[0]).toBe(cycle.path[cycle.path.length - 1]);
      expect(new Set(cycle.path)).toEqual(new Set(['a', 'b', 'c']));
      expect(cycle.message).toMatch(/^p\.yaml:4:12: dependency cycle: /);
    }
  });
});

describe('findCycle', () => {
  it('finds none in a DAG and the loop in a cyclic graph', () => {
    expect(findCycle(['a', 'b', 'c'], [['a', 'b'], ['b', 'c'], ['a', 'c']])).toBeUndefined();
    expect(findCycle(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'b']])).toEqual(['b', 'c', 'd', 'b']);
    expect(findCycle(['a'], [['a', 'a']])).toEqual(['a', 'a']);
  });

  it('handles a long chain without overflowing the stack', () => {
    const nodes = Array.from({ length: 20000 }, (_, i) => `n${i}`);
    const edges = nodes.slice(1).map((node, i) => [nodes[i]!, node] as [string, string]);
    expect(findCycle(nodes, edges)).toBeUndefined();
  });
});
