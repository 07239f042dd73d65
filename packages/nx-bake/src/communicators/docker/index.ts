export { DockerExecCommunicator, type DockerExecCommunicatorOptions } from './docker-communicator';
