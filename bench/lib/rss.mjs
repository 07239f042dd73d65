// Peak memory of Nx's task processes, read from /proc while a command runs. Each Nx task runs in its own
// forked `run-executor.js` process; the kernel keeps that process's peak RSS (VmHWM), so sampling it every
// 100 ms catches the peak up to the last sample before the process exits.
import { readdirSync, readFileSync } from 'node:fs';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function childrenOf(pid) {
  const found = [];
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    const list = read(`/proc/${pid}/task/${tid}/children`);
    if (list) found.push(...list.trim().split(/\s+/).filter(Boolean).map(Number));
  }
  return found;
}

function descendants(pid) {
  const seen = [];
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift();
    for (const child of childrenOf(next)) {
      if (!seen.includes(child)) {
        seen.push(child);
        queue.push(child);
      }
    }
  }
  return seen;
}

const kb = (status, field) => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status ?? '');
  return match ? Number(match[1]) : 0;
};

/**
 * Starts sampling under `rootPid`. `stop()` returns, per Nx task project (NX_TASK_TARGET_PROJECT of the
 * executor process), its peak RSS in MB, plus the peak of the main nx process and of ansible-playbook.
 */
export function sampleTaskMemory(rootPid, intervalMs = 100) {
  const executors = new Map(); // pid -> { project, peakKb }
  let nxPeakKb = 0;
  let ansiblePeakKb = 0;
  const tick = () => {
    const nxStatus = read(`/proc/${rootPid}/status`);
    nxPeakKb = Math.max(nxPeakKb, kb(nxStatus, 'VmHWM'));
    for (const pid of descendants(rootPid)) {
      const known = executors.get(pid);
      if (known) {
        known.peakKb = Math.max(known.peakKb, kb(read(`/proc/${pid}/status`), 'VmHWM'));
        continue;
      }
      const cmdline = (read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ');
      if (cmdline.includes('run-executor.js')) {
        const environ = read(`/proc/${pid}/environ`) ?? '';
        const project = /(?:^|\0)NX_TASK_TARGET_PROJECT=([^\0]*)/.exec(environ)?.[1] ?? `pid ${pid}`;
        const target = /(?:^|\0)NX_TASK_TARGET_TARGET=([^\0]*)/.exec(environ)?.[1] ?? '';
        executors.set(pid, { project, target, peakKb: kb(read(`/proc/${pid}/status`), 'VmHWM') });
      } else if (cmdline.includes('ansible-playbook')) {
        ansiblePeakKb = Math.max(ansiblePeakKb, kb(read(`/proc/${pid}/status`), 'VmHWM'));
      }
    }
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    stop() {
      clearInterval(timer);
      const tasks = {};
      for (const { project, target, peakKb } of executors.values()) {
        const key = `${project}:${target}`;
        tasks[key] = Math.max(tasks[key] ?? 0, Math.round(peakKb / 102.4) / 10);
      }
      return { tasks, nxMb: Math.round(nxPeakKb / 102.4) / 10, ansiblePlaybookMb: Math.round(ansiblePeakKb / 102.4) / 10 };
    },
  };
}
