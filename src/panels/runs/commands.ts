/**
 * `kubeflow:run-pipeline`: run the active notebook's pipeline on this
 * machine or on Kubeflow. Refuses a notebook with pipeline errors (naming
 * the first), asks for the parameters (prefilled from the parameters cell)
 * and the target (the notebook's, else the default; a target the user
 * changes here is stored in the notebook), saves the notebook if it has
 * unsaved changes (the bridge reads the file), then starts the run and
 * selects it.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { runIcon } from '@jupyterlab/ui-components';
import { METADATA_KEY, PipelineSettings } from '../../../core/src/types';
import { kernelPython, notebookKernelName } from '../../pipeline/kernel-python';
import { withTarget } from '../../pipeline/target';
import type { IdentityModel } from '../../service/identity';
import type { RunDefaultsModel } from '../../service/run-defaults';
import type { RunsClient } from '../../service/runs';
import type { IPipelineTracker } from '../../tokens';
import { askRunParameters } from './params-form';
import type { RunsRegistry } from './registry';
import { runTargetChoice } from './target-choice';

export namespace RunsCommandIDs {
  export const runPipeline = 'kubeflow:run-pipeline';
}

export interface IRunCommandDeps {
  pipelines: IPipelineTracker;
  client: Pick<RunsClient, 'start'>;
  registry: RunsRegistry;
  trans: TranslationBundle;
  identity: IdentityModel;
  defaults: RunDefaultsModel;
  /** Show the Kubeflow panel (where the run's progress is). */
  showPanel: () => void;
}

export function addRunCommand(app: JupyterFrontEnd, deps: IRunCommandDeps): void {
  const { pipelines, client, registry, trans } = deps;
  app.commands.addCommand(RunsCommandIDs.runPipeline, {
    label: args => (args.toolbar ? trans.__('Run') : trans.__('Run the Pipeline')),
    caption: trans.__('Run the notebook pipeline on this machine or on Kubeflow'),
    icon: runIcon,
    isEnabled: () => pipelines.current?.enabled ?? false,
    execute: async () => {
      const panel = pipelines.currentPanel;
      const model = pipelines.current;
      if (!panel || !model) {
        return null;
      }
      model.refreshNow();
      const graph = model.graph;
      const errors = graph.problems.filter(p => p.severity === 'error');
      if (errors.length) {
        const first = errors[0];
        const place = first.cell === null ? '' : trans.__('cell %1: ', first.cell);
        Notification.error(trans.__('Pipeline not run: %1%2', place, first.message), { autoClose: false });
        return null;
      }
      const choice = runTargetChoice(model.settings, deps.defaults.value, deps.identity.state);
      const values = await askRunParameters(trans.__('Run %1', graph.pipeline.name), graph.parameters, trans, choice);
      if (!values) {
        return null;
      }
      try {
        if (values.target !== choice.target) {
          // The user picked another target: the notebook remembers it.
          const next = withTarget(model.notebook.getMetadata(METADATA_KEY), values.target, METADATA_KEY);
          if ('error' in next) {
            throw new Error(next.error);
          }
          model.setSettings(next.ok as PipelineSettings);
        }
        if (panel.context.model.dirty) {
          await panel.context.save();
        }
        const path = panel.context.localPath;
        const run = await client.start({
          path,
          parameters: values.parameters,
          cache: values.cache,
          engine: values.target,
          experiment: values.target === 'kubeflow' ? choice.experiment : undefined,
          // Steps run with the notebook kernel's Python, not just the server's.
          python: kernelPython(
            app.serviceManager.kernelspecs.specs,
            notebookKernelName(model.notebook.getMetadata('kernelspec'), panel.sessionContext.session?.kernel?.name)
          )
        });
        registry.get(path).adopt(run);
        deps.showPanel();
        return run.id;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        Notification.error(trans.__('Pipeline not run: %1', message), { autoClose: false });
        return null;
      }
    }
  });
}
