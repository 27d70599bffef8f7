export { cellsPlugin, CELLS_PLUGIN_ID } from './plugin';
export { CellCommandIDs } from './commands';
