export { exportEndpoints } from './export';
export { importEndpoints } from './import';
