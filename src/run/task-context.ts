import type { Connection } from '../connect/connection.ts';
import type { Vars } from '../inventory/types.ts';
import type { PlayHost, TaskContext } from '../modules/module.ts';
import { readVarsFile } from '../inventory/vars-files.ts';
import { renderValue } from '../playbook/template.ts';
import type { NodeRef, RunEventSink } from './events.ts';
import { playHostsVars } from './host-vars.ts';
import { trackDerivedSecrets } from './secret-derive.ts';
import { runVarSources, type RunContext } from './run-context.ts';
import type { PlayGraph } from '../graph/types.ts';
import type { TaskSpec } from '../playbook/types.ts';
import { taskSearchPath } from './search-path.ts';

export interface TaskContextInput {
  run: RunContext;
  graph: PlayGraph;
  /** The task the module runs for: its file decides where controller files are looked up. */
  task: TaskSpec;
  ref: NodeRef;
  vars: Vars;
  conn: Connection;
  become: boolean;
  /** The task's check mode (its check_mode keyword, else --check); default the run's. */
  checkMode?: boolean;
  /** Where the module's log lines go (a no_log task's hide them); default the run's sink. */
  sink?: RunEventSink;
}

/** Renders a template text to a string, whatever native value a lone `{{ expr }}` yields. */
export function renderText(template: string, vars: Vars): string {
  const value = renderValue(template, vars);
  if (typeof value === 'string') return value;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The TaskContext one module invocation sees. Modules never get the RunContext itself. */
export function createTaskContext(input: TaskContextInput): TaskContext {
  const { run, graph, task, ref, vars, conn, become } = input;
  const sink = input.sink ?? run.sink;
  let playHosts: PlayHost[] | undefined;
  return {
    host: { name: ref.host, vars },
    conn,
    become,
    checkMode: input.checkMode ?? run.checkMode,
    signal: run.signal,
    baseDir: graph.play.baseDir,
    searchPath: taskSearchPath(graph.play, task),
    log: {
      info: (message) => sink.emit({ type: 'node-log', node: ref, level: 'info', message }),
      warn: (message) => sink.emit({ type: 'node-log', node: ref, level: 'warn', message }),
    },
    render: (template, extraVars) => renderText(template, extraVars ? { ...vars, ...extraVars } : vars),
    addSecret: (value) => run.masker.add(value),
    addTemplatedSecrets: (template, templateVars) => trackDerivedSecrets(run.masker, template, templateVars),
    runState: run.runState,
    // Computed on first use: only run_once cluster modules need every host's variables.
    get play() {
      playHosts ??= playHostsVars(runVarSources(run), graph);
      return { hosts: playHosts };
    },
    connectionFor: (hostName) => run.connect(hostName),
    verbosity: run.verbosity,
    // The loader group_vars and vars_files use, so include_vars reads what they read (Vault too).
    loadVarsFile: (path) => readVarsFile(path, run.vault),
    endHost: () => run.ledger.endHost(graph.playIndex, ref.host),
    endPlay: () => run.ledger.endPlay(graph.playIndex),
  };
}
