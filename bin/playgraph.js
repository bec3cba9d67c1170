#!/usr/bin/env node
// The CLI runs compiled JavaScript from dist/ (built by `npm run build`, which `npm install` and
// `npm ci` run as `prepare`, and shipped by `npm pack`): starting without tsx saves most of a
// second. tsx is loaded only when a run needs a TypeScript module of the user's
// (src/modules/typescript-loader.ts). PLAYGRAPH_FROM_SOURCE=1 runs the TypeScript sources
// instead (the e2e tests set it, so they test the tree as it is, built or not), and so does a
// checkout that has not been built yet.
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';

// Most of a start is compiling ~260 modules (bench/results/startup.md); Node 22.1+ can keep V8's
// code for them between runs (in the OS temp dir). Node 20 has no such cache: there it is absent.
nodeModule.enableCompileCache?.();

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
let entry = compiled;
if (process.env.PLAYGRAPH_FROM_SOURCE === '1' || !existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
