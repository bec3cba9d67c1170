import { createInterface } from 'node:readline';
import { InputError } from '../errors.ts';

/**
 * Asks for a password as Python's getpass does for Ansible's prompts: on a terminal, without
 * echo; otherwise one line read from stdin (`echo pw | playgraph run ... --ask-vault-pass`).
 * The prompt goes to stderr, so stdout stays the run's own (--output json).
 */
export function promptPassword(message: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  output.write(message);
  if (input.isTTY) return readHidden(input, output);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, terminal: false });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      output.write('\n');
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) reject(new InputError('no vault password: standard input ended (ctrl-d) at the prompt'));
    });
  });
}

function readHidden(input: NodeJS.ReadStream, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new InputError('interrupted at the vault password prompt'));
        if (char === '\u0004') return finish(new InputError('no vault password: ctrl-d at the prompt'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
