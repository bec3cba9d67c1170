import { InputError } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { UndefinedVariableError, renderText } from './template.ts';

/**
 * Where in a template file an undefined lookup is written: the first line that uses the path
 * (or its top-level variable) inside `{{ }}` or `{% %}`. nunjucks reports no line for errors
 * raised during rendering, so we find it in the text; a miss leaves the file alone as position.
 */
export function locateLookup(text: string, lookup: string): { line: number; column: number } | undefined {
  const word = new RegExp(`(^|[^\\w.])${lookup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`);
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    for (const tag of line.matchAll(/\{\{[\s\S]*?(\}\}|$)|\{%[\s\S]*?(%\}|$)/g)) {
      const found = word.exec(tag[0]);
      if (found) return { line: index + 1, column: tag.index + found.index + found[1].length + 1 };
    }
  }
  return undefined;
}

/**
 * Renders a template file's text. An undefined variable is an UndefinedVariableError at the
 * file's line and column, quoting that line rather than the whole file; any other rendering
 * error is an InputError naming the file.
 */
export function renderTemplateFile(text: string, vars: Vars, file: string): string {
  try {
    return renderText(text, vars);
  } catch (error) {
    if (error instanceof UndefinedVariableError) {
      const at = locateLookup(text, error.path) ?? locateLookup(text, error.variable);
      const shown = at ? text.split('\n')[at.line - 1] : error.path;
      throw new UndefinedVariableError(error.variable, error.path, shown, { file, ...at });
    }
    if (error instanceof InputError) throw new InputError(error.message, { file }, { cause: error });
    throw error;
  }
}
