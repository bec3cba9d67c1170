import { PassThrough, Writable } from 'node:stream';

/** A stream that keeps what is written to it, synchronously, as the reporters' output. */
export class StringStream extends Writable {
  text = '';
  constructor() {
    super({ decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** The ANSI escapes of colors and cursor movement, stripped to compare text. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

/** A PassThrough that claims to be a terminal (as listr2 and log-update see it), and its text. */
export function fakeTerminal(): { stream: PassThrough & { isTTY: true }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true as const, columns: 120, rows: 40 });
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}
