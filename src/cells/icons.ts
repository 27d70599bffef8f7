/** Icons of the cell chips (theme-aware through the jp-icon classes). */
import { LabIcon } from '@jupyterlab/ui-components';

export const warningIcon = new LabIcon({
  name: 'jupyterlab-kubeflow:warning',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon-warn0" fill="#f57c00" d="M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z"/>
</svg>`
});

export const stepIcon = new LabIcon({
  name: 'jupyterlab-kubeflow:step',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="3" y="3" width="8" height="6" rx="1"/>
    <rect x="13" y="15" width="8" height="6" rx="1"/>
    <path d="M7 9v5h10v1h-2l3 3 3-3h-2v-3H9V9z"/>
  </g>
</svg>`
});
