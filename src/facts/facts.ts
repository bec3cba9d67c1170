// Facts as Ansible's setup module names them, without the `ansible_` prefix (the setup module's
// result adds it, as Ansible's does; ansible_facts.<name> and ansible_<name> read them).
export type Facts = Record<string, unknown>;

/** `key=value` lines (the script's own format for small sections) as a map; later keys win. */
export function keyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

/** The non-empty lines of a section. */
export function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((line) => line.trim() !== '');
}
