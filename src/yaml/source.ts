import { readFile } from 'node:fs/promises';
import { LineCounter, Scalar, isNode, parseDocument, type Document, type Node, type ScalarTag, type Tags } from 'yaml';
import { InputError, type SourcePosition } from '../errors.ts';
import { decryptFileText } from '../vault/file.ts';
import { VAULT_YAML_TAGS, decryptInlineValues } from '../vault/inline.ts';
import type { VaultKeyring } from '../vault/keyring.ts';

/**
 * A parsed YAML file that remembers where every node came from, so inventory and playbook
 * errors can name file:line:column. Parse errors are raised as InputError at their position.
 */
// PyYAML's booleans, which Ansible uses: YAML 1.1's `y`/`n` stay strings there (`-e n=2` must not
// become `false: 2`), so the yaml library's fuller 1.1 boolean set is replaced by this one.
const pyyamlBool = (value: boolean, test: RegExp): ScalarTag => ({
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (candidate) => candidate === value,
  test,
  resolve: () => new Scalar(value),
});
const PYYAML_BOOLS = [
  pyyamlBool(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
  pyyamlBool(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
];
const withPyyamlBools = (tags: Tags): Tags => [
  ...PYYAML_BOOLS,
  ...VAULT_YAML_TAGS,
  ...tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:bool'),
];

export interface YamlSource {
  file: string;
  document: Document.Parsed;
  /** Plain JS value of the whole document. */
  value: unknown;
  /** Position of a node of this document (its first character). */
  positionOf(node: unknown): SourcePosition;
}

/** `vault` decrypts inline `!vault` values (each one then a secret); without it they are refused. */
export function parseYaml(file: string, text: string, vault?: VaultKeyring): YamlSource {
  const lineCounter = new LineCounter();
  // YAML 1.1 as Ansible reads it (PyYAML): `yes`/`no`/`on`/`off` are booleans and `0644` is
  // octal, so an inventory or playbook written for Ansible means the same thing here.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.1', customTags: withPyyamlBools });
  const positionAt = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const first = document.errors[0];
  if (first) {
    const message = first.message.split('\n')[0];
    throw new InputError(`invalid YAML: ${message}`, positionAt(first.pos[0]));
  }
  decryptInlineValues(document, text, vault, positionAt);
  return {
    file,
    document,
    value: document.toJS({ maxAliasCount: 1000 }),
    positionOf(node: unknown): SourcePosition {
      if (isNode(node) && (node as Node).range) return positionAt((node as Node).range![0]);
      return { file };
    },
  };
}

export async function readYamlFile(file: string, vault?: VaultKeyring): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read file: ${(error as Error).message}`, { file }, { cause: error });
  }
  // A whole file encrypted (a playbook, a tasks file): decrypted, its values not secrets by that
  // alone; vars files, whose values are, are read by inventory/vars-files.ts.
  return parseYaml(file, decryptFileText(text, file, vault).text, vault);
}
