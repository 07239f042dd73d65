import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansiblePython, readAnswer } from './mitogen';

describe('readAnswer', () => {
  const found = { state: 'found' as const, dir: '/py/ansible_mitogen', min: [2, 10], max: [2, 14] };

  it.each([
    [{ ...found, ansible: '2.14.18' }, { usable: true, strategyDir: '/py/ansible_mitogen/plugins/strategy' }],
    [{ ...found, ansible: '2.10.0' }, { usable: true, strategyDir: '/py/ansible_mitogen/plugins/strategy' }],
    [{ ...found, ansible: '2.15.1' }, { usable: false, reason: 'ansible-mitogen supports ansible-core up to 2.14, not 2.15.1' }],
    [{ ...found, ansible: '2.9.27' }, { usable: false, reason: 'ansible-mitogen supports ansible-core 2.10 to 2.14, not 2.9.27' }],
    [{ ...found, ansible: '2.17.0', min: null, max: null }, { usable: true, strategyDir: '/py/ansible_mitogen/plugins/strategy' }],
    [{ state: 'missing' as const }, { usable: false, reason: 'ansible-mitogen is not installed for /usr/bin/python3' }],
    [
      { state: 'incompatible' as const, ansible: '2.18.1', error: 'Your Ansible version (2, 18, 1) is too recent.' },
      { usable: false, reason: 'ansible-mitogen does not support ansible-core 2.18.1: Your Ansible version (2, 18, 1) is too recent.' },
    ],
  ])('%j → %j', (answer, expected) => {
    expect(readAnswer(answer, '/usr/bin/python3')).toEqual(expected);
  });
});

describe('ansiblePython', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nx-bake-mitogen-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const program = (folder: string, name: string, text: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, name), text);
    chmodSync(join(dir, folder, name), 0o755);
    return join(dir, folder, name);
  };

  it('reads the interpreter from the #! line of the first ansible-playbook on PATH', () => {
    program('a', 'ansible-playbook', '#! /usr/bin/python3 -E\nimport sys\n');
    program('b', 'ansible-playbook', '#!/opt/other/python\n');
    expect(ansiblePython({ PATH: `${join(dir, 'missing')}:${join(dir, 'a')}:${join(dir, 'b')}` })).toEqual({ python: ['/usr/bin/python3', '-E'] });
  });

  it('finds an `env` interpreter on PATH, as the kernel would', () => {
    program('bin', 'ansible-playbook', '#!/usr/bin/env python3\n');
    const python = program('venv', 'python3', '#!/bin/sh\n');
    expect(ansiblePython({ PATH: `${join(dir, 'bin')}:${join(dir, 'venv')}` })).toEqual({ python: [python] });
  });

  it('says why when ansible-playbook is missing or not a script', () => {
    expect(ansiblePython({ PATH: join(dir, 'none') })).toEqual({ reason: 'ansible-playbook was not found on PATH' });
    const binary = program('bin', 'ansible-playbook', '\x7fELF');
    expect(ansiblePython({ PATH: join(dir, 'bin') })).toEqual({ reason: `${binary} is not a script that names its Python` });
  });
});
