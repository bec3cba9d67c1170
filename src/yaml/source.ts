import { readFile } from 'node:fs/promises';
import { LineCounter, isNode, parseDocument, type Document, type Node } from 'yaml';
import { InputError, type SourcePosition } from '../errors.ts';

/**
 * A parsed YAML file that remembers where every node came from, so inventory and playbook
 * errors can name file:line:column. Parse errors are raised as InputError at their position.
 */
export interface YamlSource {
  file: string;
  document: Document.Parsed;
  /** Plain JS value of the whole document. */
  value: unknown;
  /** Position of a node of this document (its first character). */
  positionOf(node: unknown): SourcePosition;
}

export function parseYaml(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionAt = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const first = document.errors[0];
  if (first) {
    const message = first.message.split('\n')[0];
    throw new InputError(`invalid YAML: ${message}`, positionAt(first.pos[0]));
  }
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

export async function readYamlFile(file: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read file: ${(error as Error).message}`, { file }, { cause: error });
  }
  return parseYaml(file, text);
}
