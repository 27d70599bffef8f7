/**
 * The Kubeflow panel in the right sidebar. The bridge status sits in the
 * header, always visible and only as tall as it needs; the sections
 * (pipeline, runs, and later tuning and deploy) share the accordion below.
 */
import { SidePanel } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import type { ITranslator } from '@jupyterlab/translation';
import type { BridgeConnection } from '../../service/connection';
import type { IdentityModel } from '../../service/identity';
import { kubeflowIcon } from '../../icons';
import { StatusBody, StatusModel } from '../status';

export const SIDEBAR_ID = 'jp-kubeflow-sidebar';

const ranks = new WeakMap<Widget, number>();

/** Insert a section into the panel, ordered by rank (lowest first). */
export function addSection(panel: SidePanel, widget: Widget, rank: number): void {
  ranks.set(widget, rank);
  const index = panel.widgets.findIndex(w => (ranks.get(w) ?? 0) > rank);
  panel.insertWidget(index < 0 ? panel.widgets.length : index, widget);
}

export function createSidebar(
  connection: BridgeConnection,
  translator: ITranslator,
  identity: IdentityModel | null = null
): SidePanel {
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

  const status = new StatusBody(new StatusModel(connection, identity), connection, trans);
  status.title.label = trans.__('Bridge');
  panel.header.addWidget(status);
  return panel;
}
