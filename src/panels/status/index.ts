export { StatusModel } from './model';
export { StatusBody } from './body';
