import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_DIR, RUNNING_COMPILED } from '../package-dir.ts';

let registered: Promise<void> | undefined;

/**
 * Makes a user's TypeScript module importable. The compiled CLI starts without tsx (it costs
 * ~0.5 s of start-up), so tsx is loaded here, the first time a run needs a `.ts` module of the
 * user's. From the sources (tsx or vitest already load TypeScript) there is nothing to do.
 */
export function ensureTypeScriptLoader(): Promise<void> {
  if (!RUNNING_COMPILED) return Promise.resolve();
  registered ??= (async () => {
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    // Registered after tsx so it runs first: see package-resolve-hook.ts.
    register(pathToFileURL(path.join(PACKAGE_DIR, 'dist', 'src', 'modules', 'package-resolve-hook.js')), {
      data: { packageDir: PACKAGE_DIR },
    });
  })();
  return registered;
}
