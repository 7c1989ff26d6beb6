/** What the benches read from /proc: CPU time of a process, of this process's threads, of the machine; RSS. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;

/** utime + stime in ms from a /proc/…/stat line. Field 2 (comm) may hold spaces; fields 3.. follow its ')'. */
function cpuMsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ticksToMs(Number(fields[14 - 3]) + Number(fields[15 - 3]));
}

/** utime + stime of a process (all its threads), in ms. */
export function processCpuMs(pid: number): number {
  return cpuMsOfStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * utime + stime of each thread of a process (this one by default), in ms, summed by thread name:
 * `main` for the main thread, `WorkerThread` for worker threads, `V8Worker` for V8's helpers.
 */
export function threadCpuMsByName(pid: number = process.pid): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    byName.set(name, (byName.get(name) ?? 0) + cpuMsOfStat(stat));
  }
  return byName;
}

/** The machine's CPU time so far, from the aggregate line of /proc/stat, in ms. */
export interface MachineCpu {
  busyMs: number;
  totalMs: number;
  stealMs: number;
}

export function machineCpu(): MachineCpu {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal (guest time is inside user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
  return { busyMs: ticksToMs(total - idle! - iowait!), totalMs: ticksToMs(total), stealMs: ticksToMs(steal!) };
}

/** Resident set size of a process, in MB (0 when /proc does not say). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** CPU time of every process on the machine at one moment: pid → the group `groupOf` put it in and its ms. */
export type ProcessCpuSnapshot = Map<number, { group: string; ms: number }>;

/**
 * utime + stime of every process, each put in a group by `groupOf` (from its command line; undefined
 * leaves it out). Compare two with cpuMsByGroupSince.
 */
export function processCpuSnapshot(groupOf: (commandLine: string) => string | undefined): ProcessCpuSnapshot {
  const snapshot: ProcessCpuSnapshot = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const group = groupOf(commandLine);
      if (group !== undefined) snapshot.set(pid, { group, ms: processCpuMs(pid) });
    } catch {
      // the process ended while the snapshot was taken
    }
  }
  return snapshot;
}

/**
 * CPU ms each group spent between two snapshots. A process that started in between counts whole; one
 * that ended in between is missing from `after` and counts nothing (a short-lived process is lost).
 */
export function cpuMsByGroupSince(before: ProcessCpuSnapshot, after: ProcessCpuSnapshot): Map<string, number> {
  const byGroup = new Map<string, number>();
  for (const [pid, { group, ms }] of after) {
    const earlier = before.get(pid);
    const spent = earlier && earlier.group === group ? ms - earlier.ms : ms;
    byGroup.set(group, (byGroup.get(group) ?? 0) + spent);
  }
  return byGroup;
}
