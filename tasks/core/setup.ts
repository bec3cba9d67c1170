import { z } from 'zod';
import { gatherHostFacts } from '../../src/facts/gather.ts';
import { GatherSubsetError, resolveSubsetNames } from '../../src/facts/subsets.ts';
import { defineModule } from '../../src/modules/module.ts';

// Ansible's setup: gathers the host's facts (one command, parsed on the controller) and returns
// them as `ansible_facts`, which the engine keeps as the host's facts. Never a change; it runs
// under --check too, as Ansible's does.

/** Ansible's type='list': a list, or a comma-separated string. */
const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean));

export const setupParams = z.strictObject({
  gather_subset: stringList
    .superRefine((subset, ctx) => {
      try {
        resolveSubsetNames(subset);
      } catch (error) {
        if (!(error instanceof GatherSubsetError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
      }
    })
    .default(['all'])
    .describe('Which facts: all, min, hardware, network, virtual, a collector or fact name; !name leaves one out (!all keeps only min)'),
  filter: stringList.default([]).describe('Keep only the facts whose ansible_ name matches one of these shell patterns (ansible_*_mb)'),
  gather_timeout: z.number().int().min(1).default(10).describe('Seconds each mount may take to answer statvfs before its sizes are left out'),
  fact_path: z.string().optional().describe('Accepted for Ansible compatibility: local facts (facts.d) are not read'),
});

export type SetupParams = z.infer<typeof setupParams>;

export const taskModule = defineModule<SetupParams, never>({
  name: 'core.setup',
  summary: "Gather the host's facts (Ansible's setup) in one command; they become ansible_facts and ansible_* variables",
  params: setupParams,

  async check(ctx, params) {
    const facts = await gatherHostFacts(ctx.conn, { become: ctx.become, gatherSubset: params.gather_subset, filter: params.filter, timeoutSeconds: params.gather_timeout, signal: ctx.signal });
    return { status: 'ok', result: { ansible_facts: facts } };
  },

  apply() {
    throw new Error('core.setup never plans a change');
  },
});
