/**
 * The cell side of pipeline authoring: a chip in every code cell of a
 * notebook in pipeline mode, the menu and dialogs that annotate cells, the
 * "Pipeline mode" notebook toolbar button and the palette commands.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { CommandToolbarButton, ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { kubeflowIcon } from '../icons';
import { IPipelineTracker } from '../tokens';
import { createChipMenu } from './chip-menu';
import { addCellCommands, CellCommandIDs } from './commands';
import { NotebookChips } from './notebook-chips';

export const CELLS_PLUGIN_ID = 'jupyterlab-kubeflow:cells';

/** The notebook toolbar item (declared in schema/cells.json). */
const TOOLBAR_ITEM = 'kubeflow-pipeline-mode';

export const cellsPlugin: JupyterFrontEndPlugin<void> = {
  id: CELLS_PLUGIN_ID,
  description: 'Step chips on notebook cells, the annotation menu and dialogs, pipeline mode.',
  autoStart: true,
  requires: [INotebookTracker, IPipelineTracker],
  optional: [ITranslator, IToolbarWidgetRegistry, ISettingRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    pipelines: IPipelineTracker,
    translator: ITranslator | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_kubeflow');
    const { commands } = app;
    const chips = new Map<NotebookPanel, NotebookChips>();
    const menu = createChipMenu(commands, trans);
    const notify = () => commands.notifyCommandChanged(CellCommandIDs.togglePipelineMode);
    let showFlow = true;

    const openMenu = (panel: NotebookPanel, cell: Cell, anchor: HTMLElement) => {
      const index = panel.content.widgets.indexOf(cell);
      if (index < 0) {
        return;
      }
      panel.content.activeCellIndex = index;
      panel.content.deselectAll();
      const rect = anchor.getBoundingClientRect();
      menu.open(rect.left, rect.bottom);
    };

    const track = async (panel: NotebookPanel) => {
      await panel.context.ready;
      // The pipeline tracker creates its model on the same `ready`, first.
      await Promise.resolve();
      const pipeline = pipelines.get(panel);
      if (!pipeline || panel.isDisposed || chips.has(panel)) {
        return;
      }
      const view = new NotebookChips(panel, pipeline, trans, openMenu);
      panel.content.node.classList.toggle('jp-mod-kubeflowNoFlow', !showFlow);
      chips.set(panel, view);
      view.shownChanged.connect(notify);
      panel.disposed.connect(() => {
        chips.delete(panel);
        view.dispose();
      });
      notify();
    };
    notebooks.widgetAdded.connect((_, panel) => void track(panel));
    notebooks.forEach(panel => void track(panel));
    notebooks.currentChanged.connect(notify);

    addCellCommands({ commands, notebooks, pipelines, chipsOf: panel => chips.get(panel) ?? null, trans });

    toolbarRegistry?.addFactory<NotebookPanel>(
      'Notebook',
      TOOLBAR_ITEM,
      () =>
        new CommandToolbarButton({
          commands,
          id: CellCommandIDs.togglePipelineMode,
          args: { toolbar: true },
          label: trans.__('Pipeline mode'),
          icon: kubeflowIcon
        })
    );

    const category = trans.__('Kubeflow');
    for (const command of [
      CellCommandIDs.togglePipelineMode,
      CellCommandIDs.startStep,
      CellCommandIDs.setCellRole,
      CellCommandIDs.continueStep,
      CellCommandIDs.stepSettings
    ]) {
      palette?.addItem({ command, category });
    }

    if (settingRegistry) {
      const apply = (settings: ISettingRegistry.ISettings) => {
        showFlow = settings.composite.showNeedsGives !== false;
        chips.forEach((_, panel) => panel.content.node.classList.toggle('jp-mod-kubeflowNoFlow', !showFlow));
      };
      settingRegistry
        .load(CELLS_PLUGIN_ID)
        .then(settings => {
          apply(settings);
          settings.changed.connect(apply);
        })
        .catch(reason => console.error('jupyterlab-kubeflow: cannot load the cells settings', reason));
    }
  }
};
