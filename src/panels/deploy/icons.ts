import { LabIcon } from '@jupyterlab/ui-components';

// A model server answering: a box with an outgoing arrow (theme-coloured via jp-icon3).
const deploySvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 4h10v4h-2V6H6v12h6v-2h2v4H4z"/>
    <path d="M15 8l5 4-5 4v-3H9v-2h6z"/>
  </g>
</svg>`;

export const deployIcon = new LabIcon({
  name: 'jupyterlab-kubeflow:deploy',
  svgstr: deploySvg
});
