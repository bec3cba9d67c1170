// `export -p` as POSIX shells print it (dash: export NAME='value'; bash as sh: export NAME="value"),
// read back into the environment it lists: one shell word a value, quotes and escapes undone.

/** The environment `export -p` printed: names to values (names exported without a value are left out). */
export function parseExportList(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const start = /(?:^|\n)(?:export|declare -x) ([A-Za-z_][A-Za-z0-9_]*)(=?)/y;
    start.lastIndex = i;
    const match = start.exec(text);
    if (!match) {
      const next = text.indexOf('\n', i + 1);
      if (next < 0) break;
      i = next;
      continue;
    }
    i = start.lastIndex;
    if (match[2] !== '=') continue;
    const [value, end] = readWord(text, i);
    env[match[1]!] = value;
    i = end;
  }
  return env;
}

/** One shell word from `from`: single quotes, double quotes (\\ \" \$ \` escapes), backslashes. */
function readWord(text: string, from: number): [string, number] {
  let value = '';
  let i = from;
  while (i < text.length && !/[\s;]/.test(text[i]!)) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      value += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') value += text[i + 1];
          i += 2;
        } else value += text[i++];
      }
      i++;
    } else if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return [value, i];
}
