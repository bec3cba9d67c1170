// Watching a redis-server that redis.start has just launched, so a node that dies at once (port
// taken, dir not writable) fails the wait now, with its own words, instead of after the timeout.
//
// `redis-server --daemonize yes` forks before it listens: the command exits 0 and the child
// fails on its own later (Redis 7.0 main(): daemonize(), then initServer() binds and exits on
// error, then createPidFile()), so a failed bind never writes a pidfile. The child's first log
// line is "... pid=N, just started", which names the process to watch. Only what was logged
// after this start counts: the log's size is taken before launching and read from there.
import type { Connection } from '../../../src/connect/connection.ts';

/** What the wait sees of a node it started. */
export interface StartObservation {
  answersPing: boolean;
  /** alive: the started process runs; gone: it exited; unknown: it has not logged its pid yet. */
  process: 'alive' | 'gone' | 'unknown';
  /** Lines the node logged since this start. */
  logTail: readonly string[];
}

export type StartVerdict = { kind: 'ok' } | { kind: 'wait'; problem: string } | { kind: 'fail'; reason: string };

// "12345:M 25 Nov 2026 06:00:00.123 # text": pid, role, time, level (. - * #), text.
const LOG_LINE = /^(\d+):[A-Za-z] \d{1,2} \w{3} \d{4} [\d:.]+ ([.\-*#]) (.*)$/;
// Warning-level lines every start writes; they say nothing about why it stopped.
const BANNER = [/^oO0OoO0OoO0Oo Redis is starting/, /^Redis version=.*just started$/, /^Configuration loaded$/];

/** The pid of the process that started, from its "pid=N, just started" line (the last one logged). */
export function startedPid(logTail: readonly string[]): number | undefined {
  for (let i = logTail.length - 1; i >= 0; i--) {
    const match = /\bpid=(\d+), just started$/.exec(logTail[i]);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** /proc/<pid>/stat text (null when it is missing) -> whether that process still runs. */
export function procState(statText: string | null): 'alive' | 'gone' {
  if (statText === null || statText.trim() === '') return 'gone';
  // The state follows the command name in parentheses, which may itself hold ") ".
  const state = statText.slice(statText.lastIndexOf(')') + 1).trim()[0];
  // A zombie (Z) or dead (X) entry is a process that exited and was not reaped yet.
  return state === 'Z' || state === 'X' ? 'gone' : 'alive';
}

/**
 * Why a node stopped, from what it logged: its last warning-level lines without the start banner
 * ("# Warning: Could not create server TCP listening socket ..."), else its last lines.
 */
export function exitReason(logTail: readonly string[], maxLines = 3): string {
  const parsed = logTail.map((line) => LOG_LINE.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  const warnings = parsed.filter((m) => m[2] === '#' && !BANNER.some((re) => re.test(m[3])));
  const chosen = warnings.length > 0 ? warnings : parsed.filter((m) => !BANNER.some((re) => re.test(m[3])));
  const lines = chosen.slice(-maxLines).map((m) => `${m[2]} ${m[3]}`);
  return lines.length > 0 ? lines.join('; ') : 'it logged nothing';
}

/** The decision of one poll of the wait: answered, keep waiting, or give up now. */
export function judgeStart(seen: StartObservation): StartVerdict {
  if (seen.answersPing) return { kind: 'ok' };
  if (seen.process === 'gone') return { kind: 'fail', reason: `exited during start: ${exitReason(seen.logTail)}` };
  return { kind: 'wait', problem: seen.process === 'unknown' ? 'has not started yet' : 'does not answer PING' };
}

/**
 * `redis-server --daemonize yes` failing before it forks (a config it refuses, a logfile it
 * cannot open) reports on stderr. Redis echoes the offending config line after ">>>"; that line
 * may be a requirepass or masterauth, so it is left out ("at line N" before it still points there).
 */
export function daemonizeFailure(code: number | null, stderr: string, maxLines = 3): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('>>>') && !/^\*\*\* FATAL CONFIG FILE ERROR/.test(line));
  const said = lines.slice(-maxLines).join('; ');
  return `exited during start (exit ${code ?? 'signal'})${said ? `: ${said}` : ''}`;
}

/** Where a start's log lines begin, taken before launching. */
export interface StartMark {
  logfile: string;
  logOffset: number;
}

export async function markStart(conn: Connection, logfile: string, become: boolean): Promise<StartMark> {
  const stat = await conn.stat(logfile, { become });
  return { logfile, logOffset: stat?.size ?? 0 };
}

/** The log lines since `mark` and whether the process they name still runs. */
export async function observeStart(
  conn: Connection,
  mark: StartMark,
  options: { become: boolean; signal?: AbortSignal },
): Promise<Omit<StartObservation, 'answersPing'>> {
  const stat = await conn.stat(mark.logfile, { become: options.become });
  // A log rotated or truncated since the mark is read whole.
  const from = stat && stat.size >= mark.logOffset ? mark.logOffset : 0;
  const tail = await conn.exec(['tail', '-c', `+${from + 1}`, '--', mark.logfile], options);
  const logTail = tail.code === 0 ? tail.stdout.split('\n').filter((line) => line !== '') : [];
  const pid = startedPid(logTail);
  if (pid === undefined) return { process: 'unknown', logTail };
  const proc = await conn.exec(['cat', `/proc/${pid}/stat`], options);
  return { process: procState(proc.code === 0 ? proc.stdout : null), logTail };
}
