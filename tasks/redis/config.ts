// redis.config: one redis.conf per node of this host (the guide's section 3.2), written 0600
// with its data dir, each path derived from the port. The plan shows every file as a FileChange,
// so --diff shows it, with the passwords of both sides masked (config-secrets.ts: the file being
// replaced may hold an old password the engine was never told about); descriptions never carry one.
import { z } from 'zod';
import { InputError } from '../../src/errors.ts';
import { runChecked } from '../../src/modules/run-checked.ts';
import { defineModule, type FileChange, type PreflightContext } from '../../src/modules/module.ts';
import { maskedChange, secretForms } from './config-secrets.ts';
import { renderNodeConfig, type ConfigNode, type SettingValue } from './config-render.ts';
import { nodesOnHost, topologyFromPlay } from './topology.ts';

const nodeSchema = z
  .object({
    port: z.number().int().min(1).max(55535).describe('Client port; the bus port is port + 10000'),
    role: z.enum(['master', 'replica']).default('master').describe('Role at creation (a header comment; roles swap on failover)'),
    address: z.string().min(1).describe('Address announced to the cluster (cluster-announce-ip when it is an IP)'),
    ref: z.string().optional().describe('HOST:PORT name of the node (default: this host and the port)'),
    busPort: z.number().int().optional().describe('Cluster bus port (must be port + 10000)'),
    masterRef: z.string().optional().describe("The master's HOST:PORT, for replicas"),
    host: z.string().optional().describe('Inventory host (must be this host when given)'),
  })
  .strict();

export const configParams = z
  .object({
    nodes: z.array(nodeSchema).optional().describe("This host's nodes; default: from the play's redis_masters/redis_replicas"),
    allow_same_host: z.boolean().default(false).describe('When nodes come from the play: allow a replica on its master host'),
    base_dir: z.string().min(1).default('/var/lib/redis-cluster').describe('Configs go to BASE/<port>.conf, data to BASE/<port>/'),
    bind: z.string().default('0.0.0.0 -::1').describe('Addresses to listen on ("-" marks one that may be missing, as ::1 without IPv6)'),
    password: z.string().optional().describe('requirepass and masterauth; never logged'),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('redis.conf directives overriding the guide defaults'),
  })
  .strict();

export type ConfigParams = z.infer<typeof configParams>;

interface PlannedFile {
  path: string;
  content: string;
  /** Content differs (or the file is missing): write it. */
  write: boolean;
  /** Mode is not 0600: fix it. */
  chmod: boolean;
}

export interface ConfigState {
  files: PlannedFile[];
  dirs: string[];
}

/** The plan from what is on the host: files whose content or mode differ, dirs that are missing. */
export function planConfigFiles(
  rendered: { path: string; dir: string; content: string }[],
  facts: { existing: Map<string, { content: string; mode: number } | null>; missingDirs: Set<string> },
): { state: ConfigState; changes: FileChange[]; summary: string[] } {
  const files: PlannedFile[] = [];
  const changes: FileChange[] = [];
  const summary: string[] = [];
  for (const file of rendered) {
    const now = facts.existing.get(file.path) ?? null;
    const write = now === null || now.content !== file.content;
    const chmod = now !== null && (now.mode & 0o777) !== 0o600;
    files.push({ path: file.path, content: file.content, write, chmod });
    if (write) changes.push({ path: file.path, before: now?.content ?? null, after: file.content });
    if (write) summary.push(`${now === null ? 'create' : 'update'} ${file.path}`);
    else if (chmod) summary.push(`chmod 0600 ${file.path} (was ${(now!.mode & 0o777).toString(8).padStart(4, '0')})`);
  }
  const dirs = rendered.map((f) => f.dir).filter((d) => facts.missingDirs.has(d));
  for (const dir of dirs) summary.push(`create dir ${dir}`);
  return { state: { files: files.filter((f) => f.write || f.chmod), dirs }, changes, summary };
}

function nodesFor(ctx: PreflightContext, params: ConfigParams): ConfigNode[] {
  if (params.nodes) {
    const foreign = params.nodes.find((n) => n.host !== undefined && n.host !== ctx.host.name);
    if (foreign) throw new InputError(`redis.config on ${ctx.host.name}: node ${foreign.host}:${foreign.port} belongs to another host`);
    // Every file is derived from the port: a port (or bus port) listed twice is two nodes sharing files.
    const claimed = params.nodes.flatMap((n) => [n.port, n.busPort ?? n.port + 10000]);
    const twice = claimed.find((port, i) => claimed.indexOf(port) !== i);
    if (twice !== undefined) throw new InputError(`redis.config on ${ctx.host.name}: port ${twice} is used by two nodes, which would share its files`);
    return params.nodes.map((n) => ({
      ref: n.ref ?? `${ctx.host.name}:${n.port}`,
      port: n.port,
      busPort: n.busPort ?? n.port + 10000,
      address: n.address,
      role: n.role,
      masterRef: n.masterRef,
    }));
  }
  return nodesOnHost(topologyFromPlay(ctx.play.hosts, { allowSameHost: params.allow_same_host }), ctx.host.name);
}

function renderFor(ctx: PreflightContext, params: ConfigParams, node: ConfigNode) {
  const settings = params.settings as Record<string, SettingValue>;
  return renderNodeConfig({ node, host: ctx.host.name, baseDir: params.base_dir, bind: params.bind, password: params.password, settings });
}

export const taskModule = defineModule<ConfigParams, ConfigState>({
  name: 'redis.config',
  summary: "Write one redis.conf per node of this host from the guide's settings",
  params: configParams,
  // The layout and every node's text are known on the controller: a replica on its master's
  // machine or a per-node directive in `settings` is bad input before anything runs.
  async preflight(ctx, params) {
    for (const node of nodesFor(ctx, params)) renderFor(ctx, params, node);
  },

  async check(ctx, params) {
    if (params.password) ctx.addSecret(params.password);
    const nodes = nodesFor(ctx, params);
    if (nodes.length === 0) return { status: 'ok', reason: `no redis nodes on ${ctx.host.name}` };
    const rendered = nodes.map((node) => renderFor(ctx, params, node));

    const existing = new Map<string, { content: string; mode: number } | null>();
    const missingDirs = new Set<string>();
    for (const { layout } of rendered) {
      const stat = await ctx.conn.stat(layout.configFile, { become: ctx.become });
      const content = stat?.type === 'file' ? await ctx.conn.readFile(layout.configFile, { become: ctx.become }) : null;
      existing.set(layout.configFile, stat && content ? { content: content.toString('utf8'), mode: stat.mode } : null);
      if ((await ctx.conn.stat(layout.dir, { become: ctx.become }))?.type !== 'directory') missingDirs.add(layout.dir);
    }
    // The old password, in the file being replaced, and the new one as the file quotes it.
    const texts = [...rendered.map((r) => r.text), ...[...existing.values()].flatMap((f) => (f ? [f.content] : []))];
    for (const form of texts.flatMap(secretForms)) ctx.addSecret(form);
    const plan = planConfigFiles(
      rendered.map((r) => ({ path: r.layout.configFile, dir: r.layout.dir, content: r.text })),
      { existing, missingDirs },
    );
    const paths = rendered.map((r) => r.layout.configFile);
    if (plan.summary.length === 0) return { status: 'ok', reason: `${paths.join(', ')} up to date`, result: { configs: paths } };
    return { status: 'change', description: plan.summary.join('; '), files: plan.changes.map(maskedChange), state: plan.state };
  },

  async apply(ctx, _params, state) {
    for (const dir of state.dirs) {
      await runChecked(ctx, ['mkdir', '-p', '-m', '0750', dir]);
    }
    for (const file of state.files) {
      if (file.write) {
        await ctx.conn.writeFile(file.path, file.content, { mode: 0o600, become: ctx.become });
      } else {
        await runChecked(ctx, ['chmod', '0600', file.path]);
      }
      ctx.log.info(`${file.write ? 'wrote' : 'chmod 0600'} ${file.path}`);
    }
    return { changed: true, result: { configs: state.files.map((f) => f.path), dirs: state.dirs } };
  },
});
