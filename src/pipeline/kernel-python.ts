/**
 * The notebook's own Python for a local run. The engine replaces each step
 * program's `python3` with it, so steps see the packages the user's kernel
 * sees. Jupyter's kernelspecs name their interpreter in `argv[0]`; an
 * absolute path (what `ipykernel install` writes for a venv or conda env)
 * is that interpreter. A bare `python` (the native kernel) means the Jupyter
 * server's own Python, which is the bridge's default: nothing to send.
 */
import type { KernelSpec } from '@jupyterlab/services';

export function kernelPython(
  specs: KernelSpec.ISpecModels | null | undefined,
  kernelName: string | null | undefined
): string | undefined {
  const spec = kernelName ? specs?.kernelspecs?.[kernelName] : undefined;
  const exe = spec?.argv?.[0];
  if (!spec || (spec.language ?? '').toLowerCase() !== 'python' || !exe || !exe.startsWith('/')) {
    return undefined;
  }
  return exe;
}

/** The kernel a notebook runs with: its own metadata first, then its session's. */
export function notebookKernelName(
  metadataKernelspec: unknown,
  sessionKernel: string | null | undefined
): string | undefined {
  const fromMetadata = (metadataKernelspec as { name?: unknown } | undefined)?.name;
  if (typeof fromMetadata === 'string' && fromMetadata) {
    return fromMetadata;
  }
  return sessionKernel ?? undefined;
}
