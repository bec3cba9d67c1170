// `npm run lab -- up [hosts] [name]` / `down [name]` / `status`: the lab by hand, for debugging
// and benchmarks. Prints the lab description as JSON on `up` so scripts can read it. `state` and
// `leftovers FILE` are for scripts/test.sh: what the tests left on the machine.
import { readFile, rm } from 'node:fs/promises';
import { LabError } from './lab-errors.ts';
import { leftovers, readMachineState, type MachineState } from './leftovers.ts';
import { isAlive, labLockFile } from './lab-lock.ts';
import { createLab, destroyLab, LAB_DESCRIPTION_FILE, listLabs, readLab } from './lab.ts';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const hosts = rest[0] ? Number(rest[0]) : 3;
      const started = Date.now();
      const lab = await createLab({ hosts, name: rest[1] });
      const { down: _down, ...description } = lab;
      console.log(JSON.stringify(description, null, 2));
      console.error(`lab ${lab.name}: ${lab.hosts.length} hosts up in ${Date.now() - started} ms; inventory ${lab.inventoryFile}`);
      return;
    }
    case 'down': {
      const force = rest.includes('--force');
      const names = rest.find((a) => !a.startsWith('--')) ? [rest.find((a) => !a.startsWith('--'))!] : await listLabs();
      for (const name of names) {
        const owner = Number((await readFile(labLockFile(name), 'utf8').catch(() => '')).trim());
        if (owner && !force && isAlive(owner)) {
          throw new LabError(`lab ${name} is in use by a test run (pid ${owner}); wait for it, or use \`down ${name} --force\``);
        }
      }
      const started = Date.now();
      for (const name of names) await destroyLab(name);
      console.error(`lab down (${names.join(', ') || 'nothing to do'}) in ${Date.now() - started} ms`);
      return;
    }
    case 'cleanup-after-run': {
      // Started by the e2e global setup when the run is interrupted; owns the lab's lock.
      const name = rest[0];
      await destroyLab(name);
      await rm(LAB_DESCRIPTION_FILE, { force: true });
      const owner = Number((await readFile(labLockFile(name), 'utf8').catch(() => '')).trim());
      if (owner === process.pid) await rm(labLockFile(name), { force: true });
      return;
    }
    case 'status': {
      const names = await listLabs();
      if (names.length === 0) console.log('no lab');
      for (const name of names) {
        const lab = await readLab(name);
        if (!lab) console.log(`${name}: partial (state without lab.json; run \`npm run lab -- down ${name}\`)`);
        else console.log(`${name}: ${lab.hosts.map((h) => `${h.name}=${h.address}`).join(' ')}\n  inventory ${lab.inventoryFile}`);
      }
      return;
    }
    case 'state': {
      console.log(JSON.stringify(await readMachineState()));
      return;
    }
    case 'leftovers': {
      const before = JSON.parse(await readFile(rest[0]!, 'utf8')) as MachineState;
      const left = leftovers(before, await readMachineState());
      if (left.length === 0) return;
      console.error(`the tests left ${left.length} thing(s) behind:\n${left.map((l) => `  ${l}`).join('\n')}`);
      console.error('(lab state: `npm run lab -- status` / `down`; redis-servers: stop them by pid)');
      process.exitCode = 1;
      return;
    }
    default:
      console.error('usage: npm run lab -- up [hosts=3] [name] | down [name] [--force] | status | state | leftovers STATE_FILE');
      process.exitCode = 4;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
