import nunjucks from 'nunjucks';
import type { Connection } from '../../src/connect/connection.ts';
import { ConnectError } from '../../src/errors.ts';
import type { Vars } from '../../src/inventory/types.ts';
import type { PlayHost, TaskContext } from '../../src/modules/module.ts';
import { connectionSpecFor } from '../../src/inventory/connection-spec.ts';
import { readVarsFile } from '../../src/inventory/vars-files.ts';

export interface TestTaskContext extends TaskContext {
  /** Everything the module logged, as "info: ..." / "warn: ..." lines. */
  logged: string[];
  secrets: string[];
  /** What the module ended through endHost/endPlay, in order. */
  ended: ('host' | 'play')[];
}

/**
 * A real TaskContext around a real Connection for module tests: templates render with
 * nunjucks (undefined variables are errors, as in playbooks), logs and secrets are collected.
 */
export function createTestTaskContext(
  conn: Connection,
  options: {
    vars?: Vars;
    become?: boolean;
    checkMode?: boolean;
    baseDir?: string;
    /** Where controller files are looked up; default: the base directory alone. */
    searchPath?: string[];
    signal?: AbortSignal;
    /** The run's -v count. */
    verbosity?: number;
    /** Other hosts of the play (for run_once modules), with their connections. */
    otherHosts?: { name: string; vars: Vars; conn: Connection }[];
  } = {},
): TestTaskContext {
  const vars = options.vars ?? {};
  const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  const logged: string[] = [];
  const secrets: string[] = [];
  const ended: ('host' | 'play')[] = [];
  const others = options.otherHosts ?? [];
  return {
    host: { name: conn.hostName, vars },
    conn,
    become: options.become ?? false,
    checkMode: options.checkMode ?? false,
    signal: options.signal ?? new AbortController().signal,
    log: {
      info: (message) => logged.push(`info: ${message}`),
      warn: (message) => logged.push(`warn: ${message}`),
    },
    baseDir: options.baseDir ?? process.cwd(),
    searchPath: options.searchPath ?? [options.baseDir ?? process.cwd()],
    render: (template, extraVars) => environment.renderString(template, { ...vars, ...extraVars }),
    addSecret: (value) => secrets.push(value),
    runState: new Map(),
    play: { hosts: [{ name: conn.hostName, vars }, ...others.map(({ name, vars: hostVars }) => ({ name, vars: hostVars }))].map(asPlayHost) },
    async connectionFor(hostName) {
      const found = hostName === conn.hostName ? conn : others.find((other) => other.name === hostName)?.conn;
      if (!found) throw new ConnectError(hostName, 'not a host of this test play');
      return found;
    },
    verbosity: options.verbosity ?? 0,
    loadVarsFile: (path) => readVarsFile(path),
    endHost: () => ended.push('host'),
    endPlay: () => ended.push('play'),
    logged,
    secrets,
    ended,
  };
}

/** A test host as the run hands play hosts to modules: with its connection resolved from its vars. */
function asPlayHost(host: { name: string; vars: Vars }): PlayHost {
  const { kind, address, port } = connectionSpecFor(host);
  return { ...host, connection: { kind, address, port } };
}
