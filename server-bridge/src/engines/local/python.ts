/**
 * Which Python runs a step. The executor's `python3` is replaced by the
 * notebook's own interpreter so a local run sees the packages the user's
 * kernel sees; the image is ignored locally.
 */
import { execFile } from 'node:child_process';
import { isAbsolute } from 'node:path';

export const DEFAULT_PYTHON = 'python3';

/** The shape of `jupyter kernelspec list --json`. */
export interface KernelspecList {
  kernelspecs: { [name: string]: { spec?: { argv?: string[]; language?: string } } };
}

/**
 * The interpreter of a kernelspec, when its argv names one by absolute path
 * (what `ipykernel install` writes). A native spec's bare `python` means
 * "the Jupyter server's Python", which only the server knows: null, and the
 * caller decides.
 */
export function pythonOfKernelspec(list: KernelspecList, name: string): string | null {
  const spec = list.kernelspecs?.[name]?.spec;
  const exe = spec?.argv?.[0];
  if (!exe || spec?.language?.toLowerCase() !== 'python' || !isAbsolute(exe)) {
    return null;
  }
  return exe;
}

/** Reads the kernelspecs with `jupyter kernelspec list --json` (null when unavailable). */
export function listKernelspecs(jupyter = 'jupyter'): Promise<KernelspecList | null> {
  return new Promise(resolve => {
    execFile(jupyter, ['kernelspec', 'list', '--json'], { timeout: 20_000 }, (err, stdout) => {
      if (err) {
        resolve(null);
        return;
      }
      try {
        resolve(JSON.parse(stdout) as KernelspecList);
      } catch {
        resolve(null);
      }
    });
  });
}

export async function resolvePython(kernelspecName?: string, jupyter?: string): Promise<string | null> {
  if (!kernelspecName) {
    return null;
  }
  const list = await listKernelspecs(jupyter);
  return list ? pythonOfKernelspec(list, kernelspecName) : null;
}
