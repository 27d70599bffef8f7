/**
 * The pipeline section of the Kubeflow panel: the active notebook's
 * settings, step DAG and problems, with export and copy.
 */
import type { CommandRegistry } from '@lumino/commands';
import type { TranslationBundle } from '@jupyterlab/translation';
import { PipelineBody } from './body';
import { IPipelineSource, PipelinePanelModel } from './model';
import type { IRunStates } from '../../tokens';
import { ITargetSources, TargetModel } from './target-model';

export { PipelineBody } from './body';
export { PipelinePanelModel } from './model';
export type { IPipelineSource, PanelMode, SettingField } from './model';
export { PipelineCommandIDs, addPipelineCommands } from './commands';
export { TargetModel } from './target-model';
export type { ITargetSources } from './target-model';
export { exportPath, exportPipeline, pipelineYaml, ExportError } from './export';

/** The section's rank in the Kubeflow panel: right below the bridge status. */
export const PIPELINE_SECTION_RANK = 200;

export function createPipelineSection(
  source: IPipelineSource,
  commands: CommandRegistry,
  trans: TranslationBundle,
  runs: IRunStates | null = null,
  targets: ITargetSources | null = null
): PipelineBody {
  const target = targets ? new TargetModel(source, targets) : null;
  const body = new PipelineBody(new PipelinePanelModel(source, runs), commands, trans, target);
  body.id = 'jp-kubeflow-pipeline';
  body.title.label = trans.__('Pipeline');
  body.disposed.connect(() => {
    body.model.dispose();
    target?.dispose();
  });
  return body;
}
