#!/usr/bin/env node
// The CLI and the task modules (ours and the user's) are TypeScript loaded at run time,
// so a user's module under --modules needs no build step: tsx registers the loader first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
