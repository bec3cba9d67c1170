import { drawGraphs, type GraphFormat } from '../graph/draw.ts';
import { prepareRun } from '../run/prepare.ts';
import { reportInputError, type CliIo } from './io.ts';
import type { RunCommandOptions } from './run-command.ts';

type GraphOptions = Pick<RunCommandOptions, 'inventory' | 'extraVars' | 'tags' | 'skipTags' | 'withNeeds' | 'limit' | 'modules'> & {
  format: GraphFormat;
};

/** `playgraph graph`: the same graphs `run` would execute, drawn as Mermaid or Graphviz dot. */
export async function graphCommand(playbookFile: string, options: GraphOptions, io: CliIo): Promise<number> {
  try {
    const prepared = await prepareRun({
      playbookFile,
      inventorySources: options.inventory,
      extraVarArgs: options.extraVars,
      tags: options.tags,
      skipTags: options.skipTags,
      withNeeds: options.withNeeds,
      limit: options.limit,
      modulesDirs: options.modules,
      cwd: process.cwd(),
    });
    io.stdout.write(drawGraphs(prepared.graphs, options.format));
    return 0;
  } catch (error) {
    return reportInputError(error, io);
  }
}
