import { describeParams } from '../modules/describe.ts';
import { createModuleRegistry } from '../modules/registry.ts';
import { reportInputError, type CliIo } from './io.ts';

/** `playgraph modules`: every module found (built-in and --modules dirs) with its params. */
export async function modulesCommand(options: { modules: string[]; json?: boolean }, io: CliIo): Promise<number> {
  try {
    const registry = createModuleRegistry(options.modules);
    const modules = await Promise.all(
      (await registry.list()).map(async (info) => ({ ...info, params: describeParams((await registry.get(info.name)).params) })),
    );
    if (options.json) {
      io.stdout.write(`${JSON.stringify(modules, null, 2)}\n`);
      return 0;
    }
    for (const info of modules) {
      io.stdout.write(`${info.name} — ${info.summary}\n`);
      for (const param of info.params) {
        const flags = [param.type, param.required ? 'required' : undefined, param.default !== undefined ? `default ${JSON.stringify(param.default)}` : undefined].filter(Boolean).join(', ');
        io.stdout.write(`    ${param.name} (${flags})${param.description ? `: ${param.description}` : ''}\n`);
      }
    }
    return 0;
  } catch (error) {
    return reportInputError(error, io);
  }
}
