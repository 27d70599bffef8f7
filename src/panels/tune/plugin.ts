/**
 * The tune plugin: the Tune section of the Kubeflow panel and one Tune view
 * per notebook in the main area (its study editor, start locally or on
 * Kubeflow, live trials, charts, Apply best trial).
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, Notification, WidgetTracker } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { kubeflowIcon } from '../../icons';
import type { BridgeClient } from '../../service/client';
import { StudiesClient } from '../../service/studies';
import { CommandIDs, IKubeflowBridge, IPipelineTracker, IRunStates } from '../../tokens';
import { normalizePath } from '../runs/model';
import { literalEdits } from './apply';
import { TuneModel } from './model';
import { TUNE_SECTION_RANK, TuneSection, TuneSectionModel } from './section';
import { TuneView } from './view';

export const TUNE_PLUGIN_ID = 'jupyterlab-kubeflow:tune';

export namespace TuneCommandIDs {
  export const open = 'kubeflow:open-tune';
}

/** Write `values` over the parameters cells' literals: one undoable edit per cell. */
export function applyToNotebook(panel: NotebookPanel, cellOf: (name: string) => number | undefined, values: { [name: string]: unknown }): string[] {
  const byCell = new Map<number, { [name: string]: unknown }>();
  const missing: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const cell = cellOf(name);
    if (cell === undefined) {
      missing.push(name);
    } else {
      byCell.set(cell, { ...byCell.get(cell), [name]: value });
    }
  }
  byCell.forEach((own, index) => {
    const shared = panel.model!.cells.get(index).sharedModel;
    const { edits, missing: lost } = literalEdits(shared.getSource(), own);
    missing.push(...lost);
    shared.transact(() => edits.forEach(e => shared.updateSource(e.from, e.to, e.text)));
  });
  return missing;
}

export const tunePlugin: JupyterFrontEndPlugin<void> = {
  id: TUNE_PLUGIN_ID,
  description: 'Tune a notebook pipeline: search space from the parameters cell, local (Optuna) or Katib studies, live trials.',
  autoStart: true,
  requires: [IKubeflowBridge, IPipelineTracker, INotebookTracker],
  optional: [IRunStates, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    bridge: IKubeflowBridge,
    pipelines: IPipelineTracker,
    notebooks: INotebookTracker,
    runStates: IRunStates | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_kubeflow');
    const client = new StudiesClient(bridge.client as BridgeClient);
    const tracker = new WidgetTracker<MainAreaWidget<TuneView>>({ namespace: 'kubeflow-tune' });

    const openRun = (panel: NotebookPanel, path: string) => (trial: { run: string | null; number: number; name?: string }) => {
      if (!trial.run || !runStates) {
        const text = trial.name ? trans.__('Trial %1 ran on Kubeflow (Katib): there is no local run to open.', trial.name) : trans.__('Trial %1 has no run yet.', trial.number);
        Notification.info(text, { autoClose: 3000 });
        return;
      }
      void runStates.selectRun(path, trial.run);
      // The Pipeline section follows the active notebook: show it with the run's states.
      app.shell.activateById(panel.id);
      void app.commands.execute(CommandIDs.openPanel);
    };

    const open = (panel: NotebookPanel, study?: string) => {
      const pipeline = pipelines.get(panel);
      if (!pipeline) {
        return;
      }
      const path = normalizePath(panel.context.localPath);
      const id = `jp-kubeflow-tune-${path}`;
      const existing = tracker.find(w => w.id === id);
      if (existing) {
        app.shell.activateById(id);
        if (study) {
          void existing.content.model.select(study);
        }
        return;
      }
      const model = new TuneModel({
        path,
        pipeline,
        client,
        connection: bridge.connection,
        identity: bridge.identity,
        defaults: bridge.runDefaults,
        save: async () => {
          if (panel.context.model.dirty) {
            await panel.context.save();
          }
        }
      });
      const applyBest = (values: { [name: string]: unknown }) => {
        const cells = new Map(pipeline.graph.parameters.map(p => [p.name, p.cell]));
        const missing = applyToNotebook(panel, name => cells.get(name), values);
        if (missing.length) {
          Notification.warning(trans.__('Not written (no literal in the parameters cell): %1', missing.join(', ')), { autoClose: 5000 });
        }
      };
      const view = new TuneView(model, { trans, openRun: openRun(panel, path), applyBest });
      const widget = new MainAreaWidget({ content: view });
      widget.id = id;
      widget.title.label = trans.__('Tune %1', panel.title.label);
      widget.title.icon = kubeflowIcon;
      widget.title.closable = true;
      widget.disposed.connect(() => model.dispose());
      panel.disposed.connect(() => widget.dispose());
      void tracker.add(widget);
      app.shell.add(widget, 'main', { mode: 'split-right', ref: panel.id });
      app.shell.activateById(id);
      void model.load().then(() => (study ? model.select(study) : undefined));
    };

    app.commands.addCommand(TuneCommandIDs.open, {
      label: trans.__('Tune the Pipeline'),
      caption: trans.__('Open the Tune view of the active notebook'),
      icon: kubeflowIcon,
      isEnabled: () => !!notebooks.currentWidget,
      execute: args => {
        const panel = notebooks.currentWidget;
        if (panel) {
          open(panel, typeof args.study === 'string' ? args.study : undefined);
        }
      }
    });
    palette?.addItem({ command: TuneCommandIDs.open, category: trans.__('Kubeflow') });

    const sectionModel = new TuneSectionModel(client, bridge.connection);
    const section = new TuneSection(sectionModel, study => void app.commands.execute(TuneCommandIDs.open, study ? { study } : {}), trans);
    section.id = 'jp-kubeflow-tune';
    section.title.label = trans.__('Tune');
    section.disposed.connect(() => sectionModel.dispose());
    bridge.addSection(section, TUNE_SECTION_RANK);
    const follow = () => {
      const panel = notebooks.currentWidget;
      void sectionModel.setPath(panel ? normalizePath(panel.context.localPath) : null);
    };
    notebooks.currentChanged.connect(follow);
    bridge.connection.stateChanged.connect((_, state) => state.status === 'connected' && follow());
    follow();
  }
};

export default tunePlugin;
