'use strict';
// The sshd_config of every OpenSSH sshd the project starts for itself: the tests' (test/support/sshd.ts)
// and the bench's (bench/lib/sshd.mjs). Plain CommonJS so both can load it: the tests through ts-jest, the
// bench as an ES module. Types: sshd-config.d.ts.

/**
 * @param {import('./sshd-config').SshdConfigOptions} options
 * @returns {string}
 */
function sshdConfig(options) {
  return [
    `ListenAddress ${options.listen}`,
    `HostKey ${options.hostKey}`,
    `PidFile ${options.pidFile}`,
    `AuthorizedKeysFile ${options.authorizedKeys}`,
    'PermitRootLogin yes',
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    `AllowTcpForwarding ${options.allowTcpForwarding ? 'yes' : 'no'}`,
    'MaxStartups 100',
    'MaxSessions 50',
    `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
    'Subsystem sftp internal-sftp',
    ...(options.extra ?? []),
    '',
  ].join('\n');
}

module.exports = { sshdConfig };
