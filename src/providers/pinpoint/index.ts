export { PinpointJobs } from './jobs';
