/**
 * One PipelineModel per open notebook panel, created when the panel opens
 * and disposed with it; `currentChanged` follows the active notebook.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { PipelineModel } from './model';

export class PipelineTracker {
  constructor(private notebooks: INotebookTracker) {
    notebooks.widgetAdded.connect((_, panel) => this.add(panel));
    notebooks.currentChanged.connect(() => this._currentChanged.emit(this.current));
    notebooks.forEach(panel => this.add(panel));
  }

  /** The model of the active notebook, or null. */
  get current(): PipelineModel | null {
    const panel = this.notebooks.currentWidget;
    return panel ? this.get(panel) : null;
  }

  get currentPanel(): NotebookPanel | null {
    return this.notebooks.currentWidget;
  }

  get currentChanged(): ISignal<this, PipelineModel | null> {
    return this._currentChanged;
  }

  get(panel: NotebookPanel): PipelineModel | null {
    return this.models.get(panel) ?? null;
  }

  private add(panel: NotebookPanel): void {
    if (this.models.has(panel)) {
      return;
    }
    void panel.context.ready.then(() => {
      if (panel.isDisposed || !panel.model || this.models.has(panel)) {
        return;
      }
      const model = new PipelineModel(panel.model, {
        defaultName: () => PathExt.basename(panel.context.path, '.ipynb')
      });
      this.models.set(panel, model);
      panel.disposed.connect(() => {
        this.models.delete(panel);
        model.dispose();
      });
      if (panel === this.notebooks.currentWidget) {
        this._currentChanged.emit(model);
      }
    });
  }

  private models = new Map<NotebookPanel, PipelineModel>();
  private _currentChanged = new Signal<this, PipelineModel | null>(this);
}
