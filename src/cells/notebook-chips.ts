/**
 * The chips of one notebook panel: one ChipView inside each code cell,
 * created for cells that exist now and for cells added, moved or retyped
 * later (locally or by a collaborator), and updated from the pipeline
 * model's (debounced) `changed` signal. Only chips whose state changed
 * re-render, and nothing is computed while the chips are hidden.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { PanelLayout } from '@lumino/widgets';
import type { PipelineModel } from '../pipeline/model';
import { readCellAnnotations } from './annotations';
import { ChipModel } from './chip-model';
import { ChipView } from './chip';
import { chipStates } from './state';

/** Class on the notebook node while the chips are shown. */
export const CHIPS_SHOWN_CLASS = 'jp-mod-kubeflowChips';

export type OpenChipMenu = (panel: NotebookPanel, cell: Cell, anchor: HTMLElement) => void;

export class NotebookChips implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    readonly pipeline: PipelineModel,
    private trans: TranslationBundle,
    private openMenu: OpenChipMenu
  ) {
    pipeline.changed.connect(this.update, this);
    panel.model?.cells.changed.connect(this.scheduleAttach, this);
    this.attach();
    this.update();
  }

  /** Chips are shown when the notebook is in pipeline mode and not hidden here. */
  get shown(): boolean {
    return this.pipeline.enabled && this._visible;
  }

  /** Emits when `shown` changes. */
  get shownChanged(): ISignal<this, boolean> {
    return this._shownChanged;
  }

  /** Show or hide the chips in this view (a local preference, never written). */
  setVisible(visible: boolean): void {
    this._visible = visible;
    this.update();
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this.pipeline.changed.disconnect(this.update, this);
    this.panel.model?.cells.changed.disconnect(this.scheduleAttach, this);
    for (const [, { view, model }] of this.chips) {
      view.dispose();
      model.dispose();
    }
    this.chips.clear();
    Signal.clearData(this);
  }

  /** Re-read the chip states now (after the notebook's widgets changed). */
  update(): void {
    if (this._disposed) {
      return;
    }
    const shown = this.shown;
    this.panel.content.node.classList.toggle(CHIPS_SHOWN_CLASS, shown);
    if (shown !== this._wasShown) {
      this._wasShown = shown;
      this._shownChanged.emit(shown);
    }
    const model = this.panel.model;
    if (!shown || !model) {
      return;
    }
    const { cellTypes, annotations } = readCellAnnotations(model);
    const states = chipStates(cellTypes, annotations, this.pipeline.graph);
    const widgets = this.panel.content.widgets;
    widgets.forEach((cell, index) => {
      // A cell added since the last analysis gets its state with the next one.
      const sameCell = model.cells.get(index) === cell.model;
      this.chips.get(cell)?.model.setState(sameCell ? states[index] ?? null : null);
    });
  }

  private scheduleAttach(): void {
    if (this._timer !== null) {
      return;
    }
    // After the notebook widget has created the widgets of new cells.
    this._timer = setTimeout(() => {
      this._timer = null;
      if (!this._disposed) {
        // States follow with the pipeline model's next analysis, which the
        // same change scheduled: the current graph has the old cell indices.
        this.attach();
      }
    }, 0);
  }

  /** Give every code cell widget a chip; forget chips of disposed cells. */
  private attach(): void {
    for (const [cell, { model }] of this.chips) {
      if (cell.isDisposed) {
        // The view went with its cell (and dropped its model reference).
        model.dispose();
        this.chips.delete(cell);
      }
    }
    for (const cell of this.panel.content.widgets) {
      if (cell.model.type !== 'code' || this.chips.has(cell)) {
        continue;
      }
      const model = new ChipModel();
      const chip = new ChipView(model, this.trans, (_, anchor) =>
        this.openMenu(this.panel, cell, anchor)
      );
      this.chips.set(cell, { view: chip, model });
      void cell.ready.then(() => {
        if (cell.isDisposed || chip.isDisposed) {
          return;
        }
        // Right after the (empty) cell header, above the input.
        const layout = cell.layout as PanelLayout;
        layout.insertWidget(Math.min(1, layout.widgets.length), chip);
      });
    }
  }

  private chips = new Map<Cell, { view: ChipView; model: ChipModel }>();
  private _visible = true;
  private _wasShown = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _disposed = false;
  private _shownChanged = new Signal<this, boolean>(this);
}
