/**
 * The Kubeflow panel in the right sidebar. Sections stack in it: the bridge
 * status now; pipeline, runs, tuning and deploy as they arrive.
 */
import { SidePanel } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import type { ITranslator } from '@jupyterlab/translation';
import type { BridgeConnection } from '../../service/connection';
import { kubeflowIcon } from '../../icons';
import { StatusBody, StatusModel } from '../status';

export const SIDEBAR_ID = 'jp-kubeflow-sidebar';

/** The bridge status section's rank (see `addSection`). */
export const STATUS_RANK = 100;

const ranks = new WeakMap<Widget, number>();

/** Insert a section into the panel, ordered by rank (lowest first). */
export function addSection(panel: SidePanel, widget: Widget, rank: number): void {
  ranks.set(widget, rank);
  const index = panel.widgets.findIndex(w => (ranks.get(w) ?? 0) > rank);
  panel.insertWidget(index < 0 ? panel.widgets.length : index, widget);
}

export function createSidebar(connection: BridgeConnection, translator: ITranslator): SidePanel {
  const trans = translator.load('jupyterlab_kubeflow');
  const panel = new SidePanel({ translator });
  panel.id = SIDEBAR_ID;
  panel.addClass('jp-KubeflowSidebar');
  panel.title.icon = kubeflowIcon;
  panel.title.caption = trans.__('Kubeflow');
  panel.node.setAttribute('aria-label', trans.__('Kubeflow'));
  panel.header.node.textContent = '';
  const heading = document.createElement('h2');
  heading.className = 'jp-KubeflowSidebar-title';
  heading.textContent = trans.__('Kubeflow');
  panel.header.node.appendChild(heading);

  const status = new StatusBody(new StatusModel(connection), connection, trans);
  status.title.label = trans.__('Bridge');
  addSection(panel, status, STATUS_RANK);
  return panel;
}
