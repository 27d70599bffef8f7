import { LabIcon } from '@jupyterlab/ui-components';

// Inlined rather than imported: lib/ mirrors the source tree one level deeper
// than style/, and an inline string needs no loader in jest or the bundler.
const kubeflowSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M5.2 4.3 3 13.9l6.6 8.3h4.1L5.9 12.4l3.2-7.1z"/>
    <path d="M10.3 4.6 7.5 11l8 10.3 4.9-5.9-6.5-10.8z" opacity=".75"/>
    <path d="M15.4 3.4l6 9.9 1-4.2-4.6-5.7z" opacity=".5"/>
  </g>
</svg>`;

export const kubeflowIcon = new LabIcon({
  name: 'jupyterlab-kubeflow:kubeflow',
  svgstr: kubeflowSvg
});
