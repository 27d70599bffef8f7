/** The menu a chip opens: the cell commands, acting on the chip's cell. */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { Menu } from '@lumino/widgets';
import { CELL_ROLES } from '../../core/src/types';
import { CellCommandIDs } from './commands';

export function createChipMenu(commands: CommandRegistry, trans: TranslationBundle): Menu {
  const menu = new Menu({ commands });
  menu.addClass('jp-KubeflowChip-menu');
  menu.title.label = trans.__('Pipeline Step');
  menu.addItem({ command: CellCommandIDs.startStep });
  menu.addItem({ command: CellCommandIDs.continueStep });
  menu.addItem({ type: 'separator' });
  for (const role of CELL_ROLES) {
    menu.addItem({ command: CellCommandIDs.setCellRole, args: { role } });
  }
  menu.addItem({ type: 'separator' });
  menu.addItem({ command: CellCommandIDs.stepSettings });
  return menu;
}
