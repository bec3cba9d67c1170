import type { RunEvent, RunEventSink } from './events.ts';

// `no_log: true`: what a task's node says in events, and so in every reporter, log and error,
// is replaced by Ansible's own words; what the task registers stays whole for later tasks.

/** Ansible's text for a censored result (TaskResult.clean_copy). */
export const NO_LOG_MESSAGE = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/**
 * The event with the task's output hidden: messages (plans, results, errors, module logs) become
 * NO_LOG_MESSAGE, a shown result and file changes are dropped, so neither output nor --diff shows them. What the run itself says
 * about the node (blocked by which node) stays.
 */
export function censorEvent(event: RunEvent): RunEvent {
  switch (event.type) {
    case 'node-log':
      return { ...event, message: NO_LOG_MESSAGE };
    case 'node-end': {
      // A shown result (debug's) is not shown at all, as Ansible's censored result loses its verbosity.
      const { files: _files, result: _result, ...rest } = event;
      return event.message === undefined || event.status === 'blocked' ? rest : { ...rest, message: NO_LOG_MESSAGE };
    }
    case 'rollback-node':
      return event.message === undefined ? event : { ...event, message: NO_LOG_MESSAGE };
    default:
      return event;
  }
}

/** A node's sink that hides its output while `hidden()` says so (it may be known only once the task's vars are). */
export function noLogSink(sink: RunEventSink, hidden: () => boolean): RunEventSink {
  return { emit: (event) => sink.emit(hidden() ? censorEvent(event) : event) };
}
