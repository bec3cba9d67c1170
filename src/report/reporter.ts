import type { RunEventSink } from '../run/events.ts';

/** A listener on the run's events that writes to one stream; `done` after the last event. */
export interface Reporter extends RunEventSink {
  /** Resolves once everything the reporter holds back (a live view, a summary) is written. */
  done(): Promise<void>;
}
