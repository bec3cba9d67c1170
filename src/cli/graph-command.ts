import { drawGraphs, type GraphFormat } from '../graph/draw.ts';
import { reportInputError, type CliIo } from './io.ts';
import { prepareSelection, type SelectionOptions } from './selection.ts';
import { openVault } from './vault-options.ts';

type GraphOptions = SelectionOptions & { format: GraphFormat };

/** `playgraph graph`: the same graphs `run` would execute, drawn as Mermaid or Graphviz dot. */
export async function graphCommand(playbookFile: string, options: GraphOptions, io: CliIo): Promise<number> {
  try {
    // Vars decide which hosts a play has: encrypted ones need their passwords here too.
    const prepared = await prepareSelection(playbookFile, options, await openVault(options, io));
    io.stdout.write(drawGraphs(prepared.graphs, options.format));
    return 0;
  } catch (error) {
    return reportInputError(error, io);
  }
}
