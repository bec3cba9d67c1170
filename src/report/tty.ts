// The live view for a terminal: one listr2 task per host showing its counts and what is running
// on it, driven by run events (listr2 is only a renderer here, never the scheduler). When the
// live view ends, the notable events (changes, warnings, failures, rollback) and the recap are
// printed in the plain reporter's wording, so nothing is only visible while it flickers past.

import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { NodeRef, Recap, RunEvent } from '../run/events.ts';
import { describeNode, formatEvent, type LineOptions } from './lines.ts';
import { PlainReporter, type PlainReporterOptions } from './plain.ts';
import { emptyHostRecap } from '../run/recap.ts';
import { formatRecap } from './recap.ts';
import type { Reporter } from './reporter.ts';

/**
 * listr2 falls back to its simple renderer whenever process.stdout is not a TTY, even when it
 * is told to write elsewhere; this renderer declares itself fine without one, because the TTY
 * that matters is the stream we were given, which TtyReporter has already checked.
 */
class GivenStreamRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

type HostTask = ListrTaskWrapper<unknown, typeof GivenStreamRenderer, typeof GivenStreamRenderer>;

interface HostView {
  host: string;
  running: Map<string, NodeRef>;
  /** The latest warning, shown under the host until something else starts. */
  note?: string;
  task?: HostTask;
  finish(): void;
  finished: Promise<void>;
}

export class TtyReporter implements Reporter {
  /** Set when the stream is not a terminal: then this reporter is the plain one. */
  private readonly fallback?: PlainReporter;
  private readonly stream: NodeJS.WritableStream;
  private readonly lineOptions: LineOptions;
  private readonly views = new Map<string, HostView>();
  private readonly recap: Recap = {};
  /** Events printed after the live view, in arrival order. */
  private readonly notable: RunEvent[] = [];
  private live?: Promise<unknown>;

  constructor(options: PlainReporterOptions) {
    this.stream = options.stream;
    this.lineOptions = { diff: options.diff, color: options.color ?? true, verbose: options.verbose ?? false };
    if (!(options.stream as Partial<NodeJS.WriteStream>).isTTY) this.fallback = new PlainReporter(options);
  }

  emit(event: RunEvent): void {
    if (this.fallback) return this.fallback.emit(event);
    switch (event.type) {
      case 'run-start':
        for (const host of event.hosts) this.view(host);
        this.startLiveView();
        return;
      case 'play-start':
        // The live view is per host; a play --limit skipped is worth a line in the summary, and so
        // is whether a play gathered facts and why (its heading then leads the play's notable lines).
        if (event.skipped || event.facts) this.notable.push(event);
        return;
      case 'node-start': {
        const view = this.view(event.node.host);
        view.running.set(event.node.nodeId, event.node);
        view.note = undefined;
        return this.refresh();
      }
      case 'node-log': {
        if (event.level === 'warn') this.notable.push(event);
        if (event.level === 'warn' || this.lineOptions.verbose) {
          this.view(event.node.host).note = `${describeNode(event.node)}: ${event.message}`;
        }
        return this.refresh();
      }
      case 'node-end': {
        this.view(event.node.host).running.delete(event.node.nodeId);
        // The run's counts for the host, as they stand with this node: shown, not counted here.
        if (event.hostRecap) this.recap[event.node.host] = event.hostRecap;
        const quiet = event.status === 'ok' || event.status === 'skipped';
        if (!quiet || event.result || this.lineOptions.verbose || (this.lineOptions.diff && event.files?.length)) {
          this.notable.push(event);
        }
        return this.refresh();
      }
      case 'block-rescued':
      case 'rollback-start':
      case 'rollback-node':
        this.notable.push(event);
        return;
      case 'run-end':
        this.notable.push(event);
        for (const view of this.views.values()) view.finish();
        return;
    }
  }

  async done(): Promise<void> {
    if (this.fallback) return this.fallback.done();
    // A run that ended without run-end (a crash upstream) must still release the terminal.
    for (const view of this.views.values()) view.finish();
    await this.live;
    const lines = this.notable.flatMap((event) => formatEvent(event, this.lineOptions));
    // A blank line parts the summary from the live view's final frame.
    if (lines.length > 0) this.stream.write(`\n${lines.join('\n')}\n`);
  }

  private view(host: string): HostView {
    let view = this.views.get(host);
    if (!view) {
      let finish = (): void => {};
      const finished = new Promise<void>((resolve) => (finish = resolve));
      view = { host, running: new Map(), finish, finished };
      this.views.set(host, view);
      this.recap[host] ??= emptyHostRecap();
    }
    return view;
  }

  private startLiveView(): void {
    if (this.live) return;
    const stream = this.stream as NodeJS.WriteStream;
    // Both of listr2's output channels go to our stream: it buffers whatever else is written to
    // them while the view is live and prints it after, and it must not touch process.stderr.
    const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream), useIcons: true, toStderr: [] });
    const listr = new Listr<unknown, typeof GivenStreamRenderer, typeof GivenStreamRenderer>(
      [...this.views.values()].map((view) => ({
        title: view.host,
        task: async (_ctx: unknown, task: HostTask) => {
          view.task = task;
          this.refresh();
          await view.finished;
          view.running.clear();
          view.note = undefined;
          this.refresh();
          const row = this.recap[view.host];
          // Failing the listr task only marks the host red; the reasons are printed after.
          if (row.failed > 0 || row.unreachable > 0) throw new Error(`${view.host} had failures`);
        },
      })),
      {
        concurrent: true,
        exitOnError: false,
        // Never let a renderer own SIGINT or call process.exit: the CLI aborts the run itself.
        registerSignalListeners: false,
        renderer: GivenStreamRenderer,
        fallbackRenderer: GivenStreamRenderer,
        rendererOptions: { logger, showErrorMessage: false, collapseSubtasks: false },
      },
    );
    this.live = listr.run();
  }

  /** Titles show each host's recap line (aligned across hosts); output shows what runs now. */
  private refresh(): void {
    const titles = formatRecap(this.recap, { color: this.lineOptions.color }).split('\n');
    const hosts = Object.keys(this.recap);
    for (const view of this.views.values()) {
      if (!view.task) continue;
      view.task.title = titles[hosts.indexOf(view.host)];
      const running = [...view.running.values()].map(describeNode);
      view.task.output = running.length > 0 ? `running: ${running.join(', ')}` : (view.note ?? '');
    }
  }
}
