// A module resolve hook for users' task modules under the compiled CLI (registered by
// typescript-loader.ts). A module in the user's own directory imports `zod` and
// `playgraph/src/modules/module.ts` as the README shows, but when playgraph is installed
// globally neither is in a node_modules above that directory: both resolve from playgraph's own
// package instead, and `playgraph/src/*.ts` maps to the compiled file the engine itself runs, so
// the user's module and the engine share one copy of defineModule and the error classes.
// And a `.ts` module in a directory with no package.json is ESM, as the README's example is:
// Node would take it for CommonJS there, and tsx would then fail to require() its imports.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface HookData {
  packageDir: string;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes: Record<string, string>;
}

interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;

let packageDir = '';

export function initialize(data: HookData): void {
  packageDir = data.packageDir;
}

function isBare(specifier: string): boolean {
  return !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  const own = /^playgraph\/src\/(.+)\.[mc]?ts$/.exec(specifier);
  if (own) {
    const compiled = path.join(packageDir, 'dist', 'src', `${own[1]}.js`);
    if (existsSync(compiled)) return { url: pathToFileURL(compiled).href, format: 'module', shortCircuit: true };
  }
  try {
    const resolved = await nextResolve(specifier, context);
    return resolved.format === 'commonjs' && /\.tsx?$/.test(resolved.url) && !declaresCommonJs(resolved.url)
      ? { ...resolved, format: 'module' }
      : resolved;
  } catch (error) {
    if (!isBare(specifier) || (error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    // Not found from the user's directory: try from playgraph's package (its dependencies).
    const parentURL = pathToFileURL(path.join(packageDir, 'package.json')).href;
    return nextResolve(specifier, { ...context, parentURL });
  }
}

/** Whether the nearest package.json above the file says `"type": "commonjs"` in so many words. */
function declaresCommonJs(url: string): boolean {
  if (!url.startsWith('file:')) return false;
  for (let dir = path.dirname(fileURLToPath(url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'commonjs';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}
