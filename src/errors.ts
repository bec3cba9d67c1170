// One hierarchy for every error playgraph raises, so the CLI can map each kind to an exit code
// and a message without inspecting strings. Never throw plain objects; never reuse an instance.

/** A position in a source file (1-based line and column), as users see it in their editor. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export function formatPosition(pos: SourcePosition): string {
  if (pos.line === undefined) return pos.file;
  return pos.column === undefined ? `${pos.file}:${pos.line}` : `${pos.file}:${pos.line}:${pos.column}`;
}

export class PlaygraphError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user: inventory, playbook, variables, params, patterns. Exit code 4. */
export class InputError extends PlaygraphError {
  readonly position?: SourcePosition;
  constructor(message: string, position?: SourcePosition, options?: { cause?: unknown }) {
    super(position ? `${formatPosition(position)}: ${message}` : message, options);
    this.position = position;
  }
}

/** A cycle in the task graph; `path` lists the node ids around the cycle, first repeated last. */
export class GraphCycleError extends InputError {
  readonly path: string[];
  constructor(path: string[], position?: SourcePosition) {
    super(`dependency cycle: ${path.join(' -> ')}`, position);
    this.path = path;
  }
}

/** A host could not be reached or authenticated. Exit code 3. */
export class ConnectError extends PlaygraphError {
  readonly host: string;
  constructor(host: string, message: string, options?: { cause?: unknown }) {
    super(`${host}: ${message}`, options);
    this.host = host;
  }
}

/** The host's key is not the one known_hosts records for it. Refused, never accepted silently. */
export class HostKeyError extends ConnectError {}

/** A remote or local command exited non-zero where success was required. */
export class CommandError extends PlaygraphError {
  readonly host: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(host: string, command: string, exitCode: number | null, stderr: string) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`${host}: command failed (exit ${exitCode ?? 'signal'}): ${command}${tail ? `\n${tail}` : ''}`);
    this.host = host;
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** A task module reported failure for a reason of its own (not a failed command). */
export class TaskError extends PlaygraphError {}

/** The run was aborted (Ctrl-C or a fatal error elsewhere). */
export class AbortedError extends PlaygraphError {
  constructor(message = 'aborted') {
    super(message);
  }
}
