/**
 * Reading repository files from a test. Test code only: `core/` itself never
 * does I/O, and its test tsconfig has no Node types, hence the declaration.
 */
declare function require(id: string): any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const __dirname: string;

export function readRepoFile(relative: string): string {
  const fs = require('fs');
  const path = require('path');
  return fs.readFileSync(path.join(__dirname, '..', '..', relative), 'utf8');
}
