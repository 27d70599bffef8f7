/**
 * Where a command writes. Commands take this instead of touching
 * `process.stdout` so tests can run them in-process and read what they said.
 */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const PROCESS_IO: CommandIO = {
  stdout: text => void process.stdout.write(text),
  stderr: text => void process.stderr.write(text)
};
