/**
 * The Runs section of the Kubeflow panel: run history of the active
 * notebook, live progress, comparison; plus the Run command and the task
 * detail view.
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { IRunsBodyActions, RunsBody } from './body';
import { RunsPanelModel } from './panel-model';
import type { RunsRegistry } from './registry';

export { RunsRegistry } from './registry';
export { NotebookRuns, normalizePath } from './model';
export { RunsCommandIDs, addRunCommand } from './commands';

/** Below the Pipeline section (200). */
export const RUNS_SECTION_RANK = 300;

export function createRunsSection(
  registry: RunsRegistry,
  notebooks: INotebookTracker,
  actions: IRunsBodyActions,
  trans: TranslationBundle
): RunsBody {
  const body = new RunsBody(new RunsPanelModel(registry, notebooks), actions, trans);
  body.id = 'jp-kubeflow-runs';
  body.title.label = trans.__('Runs');
  body.disposed.connect(() => body.model.dispose());
  return body;
}
