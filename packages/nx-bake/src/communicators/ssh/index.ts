export { sshAnsibleTarget, type SshAnsibleTargetInput } from './ansible-target';
export { describeEndpoint, parseSshConfig, SSH_DEFAULTS, SSH_FIELDS, type ParseSshConfigOptions, type SshEndpoint, type SshSettings } from './config';
export { connectSsh, SshConnectError, type ConnectSshOptions, type SshConnectFailure, type SshConnection } from './connect';
export { fingerprintOf, HostKeyCheck, parseHostKeyPolicy, type HostKeyPolicy, type HostKeyVerdict, type PinnedHostKey } from './host-key';
export { connectSshCommunicator, SshCommunicator, type ConnectSshCommunicatorOptions, type SshCommunicatorOptions } from './ssh-communicator';
export { generateTemporaryKeyPair, writePrivateKeyFile, type TemporaryKeyPair } from './temporary-key';
