/**
 * The runs plugin: the Run command (Pipeline section and notebook toolbar),
 * the Runs section, the task detail view, notifications when runs end, and
 * the task states the Pipeline section's DAG shows (IRunStates).
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { CommandToolbarButton, ICommandPalette, IToolbarWidgetRegistry, MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { runIcon } from '@jupyterlab/ui-components';
import { taskName } from '../../../core/src/names';
import { kubeflowIcon } from '../../icons';
import type { PipelineModel } from '../../pipeline/model';
import { BridgeClient } from '../../service/client';
import { RunsClient } from '../../service/runs';
import { CommandIDs, IKubeflowBridge, IPipelineTracker, IRunStates } from '../../tokens';
import { addRunCommand, RunsCommandIDs } from './commands';
import { createRunsSection, RUNS_SECTION_RANK } from './index';
import { normalizePath } from './model';
import { notifyRunEnd } from './notify';
import { RunsRegistry } from './registry';
import { TaskModel } from './task-model';
import { ITaskInputs, TaskView } from './task-view';

export const RUNS_PLUGIN_ID = 'jupyterlab-kubeflow:runs';

/** The notebook toolbar item (declared in schema/runs.json). */
const TOOLBAR_ITEM = 'kubeflow-run-pipeline';

/** The deploy plugin's command (a task view offers it on model outputs when it exists). */
const DEPLOY_OUTPUT = 'kubeflow:deploy-output';

export const runsPlugin: JupyterFrontEndPlugin<IRunStates> = {
  id: RUNS_PLUGIN_ID,
  description: 'Run pipelines on this machine or on Kubeflow: Run button, live states, task logs, run history.',
  autoStart: true,
  provides: IRunStates,
  requires: [IKubeflowBridge, IPipelineTracker, INotebookTracker],
  optional: [ITranslator, ICommandPalette, IToolbarWidgetRegistry, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    bridge: IKubeflowBridge,
    pipelines: IPipelineTracker,
    notebooks: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    settingRegistry: ISettingRegistry | null
  ): IRunStates => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_kubeflow');
    const client = new RunsClient(bridge.client as BridgeClient);
    const registry = new RunsRegistry(client, bridge.connection);

    const panelOf = (path: string): NotebookPanel | null =>
      notebooks.find(p => normalizePath(p.context.localPath) === normalizePath(path)) ?? null;

    const jumpTo = (path: string) => (cell: number, line: number | null) => {
      const panel = panelOf(path);
      if (!panel) {
        void app.commands.execute('docmanager:open', { path });
        return;
      }
      app.shell.activateById(panel.id);
      panel.content.activeCellIndex = cell;
      void panel.content.scrollToItem(cell, 'center');
      const editor = panel.content.activeCell?.editor;
      if (editor && line) {
        editor.setCursorPosition({ line: line - 1, column: 0 });
        editor.focus();
      }
    };

    const inputsOf = (path: string, task: string) => (): ITaskInputs | null => {
      const panel = panelOf(path);
      const graph = panel ? pipelines.get(panel)?.graph : null;
      const steps = graph ? [...graph.steps, ...(graph.metricsStep ? [graph.metricsStep] : [])] : [];
      const step = steps.find(s => taskName(s.name) === task);
      return step ? { parameters: step.parameters, sources: step.sources } : null;
    };

    const views = new Map<string, MainAreaWidget<TaskView>>();
    registry.taskOpener = (notebook, run, task) => {
      const id = `jp-kubeflow-task-${run}-${task}`;
      const open = views.get(id);
      if (open && !open.isDisposed) {
        app.shell.activateById(id);
        return;
      }
      const model = new TaskModel(registry.get(notebook), run, task, client);
      const deploy = {
        available: () => app.commands.hasCommand(DEPLOY_OUTPUT),
        run: (output: string) => void app.commands.execute(DEPLOY_OUTPUT, { run, output })
      };
      const view = new TaskView(model, { trans, inputsOf: inputsOf(notebook, task), jumpToCell: jumpTo(notebook), deploy });
      const widget = new MainAreaWidget({ content: view });
      widget.id = id;
      widget.title.label = `${task} · ${run}`;
      widget.title.icon = kubeflowIcon;
      widget.title.closable = true;
      widget.disposed.connect(() => {
        views.delete(id);
        model.dispose();
      });
      views.set(id, widget);
      app.shell.add(widget, 'main', { mode: 'split-right' });
      void model.start();
    };

    registry.finished.connect((_, { notebook, run }) => notifyRunEnd(run, trans, jumpTo(notebook)));

    const failed = (title: string) => (error: unknown) =>
      Notification.error(`${title}: ${error instanceof Error ? error.message : String(error)}`, { autoClose: false });
    const section = createRunsSection(
      registry,
      notebooks,
      {
        open: run => void registry.get(run.notebook ?? '').select(run.id),
        rerun: run =>
          client
            .rerun(run.id)
            .then(next => registry.get(run.notebook ?? '').adopt(next))
            .catch(failed(trans.__('Run not restarted'))),
        cancel: run => client.cancel(run.id).catch(failed(trans.__('Run not cancelled'))),
        toggleCompare: run => registry.get(run.notebook ?? '').toggleCompare(run.id),
        openTask: (run, task) => registry.taskOpener?.(normalizePath(run.notebook ?? ''), run.id, task),
        jumpToCell: (cell, line) => {
          const panel = notebooks.currentWidget;
          if (panel) {
            jumpTo(panel.context.localPath)(cell, line);
          }
        }
      },
      trans
    );
    bridge.addSection(section, RUNS_SECTION_RANK);

    addRunCommand(app, {
      pipelines,
      client,
      registry,
      trans,
      identity: bridge.identity,
      defaults: bridge.runDefaults,
      showPanel: () => void app.commands.execute(CommandIDs.openPanel)
    });
    // The button is enabled in pipeline mode, which any edit may switch.
    const notify = () => app.commands.notifyCommandChanged(RunsCommandIDs.runPipeline);
    let watched: PipelineModel | null = null;
    const watch = () => {
      watched?.changed.disconnect(notify);
      watched = pipelines.current;
      watched?.changed.connect(notify);
      notify();
    };
    pipelines.currentChanged.connect(watch);
    watch();

    toolbarRegistry?.addFactory<NotebookPanel>(
      'Notebook',
      TOOLBAR_ITEM,
      () =>
        new CommandToolbarButton({
          commands: app.commands,
          id: RunsCommandIDs.runPipeline,
          args: { toolbar: true },
          label: trans.__('Run'),
          icon: runIcon
        })
    );
    palette?.addItem({ command: RunsCommandIDs.runPipeline, category: trans.__('Kubeflow') });
    settingRegistry
      ?.load(RUNS_PLUGIN_ID)
      .catch(reason => console.error('jupyterlab-kubeflow: cannot load the runs settings', reason));
    return registry;
  }
};

export default runsPlugin;
