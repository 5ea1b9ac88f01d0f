/** What one `nnlab` run produced: the data behind report.html and report.json. */
import { cpus, platform, release, arch, totalmem } from 'node:os';
import type { ExperimentResult, TierName } from '../experiment';
import type { RunProvenance } from './provenance';

/** Where the run happened. */
export interface EnvironmentInfo {
  /** `process.version`, e.g. `v20.20.2`. */
  node: string;
  /** `os.platform()`, e.g. `linux`. */
  platform: string;
  /** `os.release()` (the kernel version on Linux). */
  osRelease: string;
  /** `os.arch()`, e.g. `x64`. */
  arch: string;
  /** Logical CPUs seen by Node. */
  cpuCount: number;
  /** The model name of the first CPU. */
  cpuModel: string;
  /** Total memory in GiB. */
  memoryGiB: number;
  /** Whether an X display was set (headless-gl needs one). */
  display: boolean;
}

/** The outcome of one experiment in a run. */
export interface ExperimentRecord {
  /** The experiment's id. */
  id: string;
  /** The experiment's title. */
  title: string;
  /** The experiment's description. */
  description: string;
  /** `'ok'` when `run` returned, `'failed'` when it threw. */
  status: 'ok' | 'failed';
  /** The tier it ran in. */
  tier: TierName;
  /** The duration its tier declares (seconds on the reference machine), or null when there is none. */
  expectedSeconds: number | null;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** Wall-clock milliseconds the experiment took. */
  durationMs: number;
  /** The tensor-gpu backends that were selected while its progress bars moved, in order of first use. */
  backends: string[];
  /** What `run` returned (absent when it threw). */
  result?: ExperimentResult;
  /** What `run` threw (absent when it returned). */
  error?: { message: string; stack?: string };
}

/** A whole run. */
export interface LabReport {
  /** The report title. */
  title: string;
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** The command line that produced it, e.g. `nnlab all --seed 1`. */
  command: string;
  /** Where the run happened. */
  environment: EnvironmentInfo;
  /** Package versions, git commit, seed, tier and options: what reproduces the run. */
  provenance: RunProvenance;
  /** Every experiment run, in order. */
  experiments: ExperimentRecord[];
}

/** Describes the machine and runtime this process runs on. */
export function collectEnvironment(): EnvironmentInfo {
  const list = cpus();
  return {
    node: process.version,
    platform: platform(),
    osRelease: release(),
    arch: arch(),
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    display: Boolean(process.env.DISPLAY),
  };
}

/** True when an experiment threw or a summary row failed its check. */
export function runFailed(report: LabReport): boolean {
  return report.experiments.some((e) => e.status === 'failed' || (e.result?.summary ?? []).some((row) => row.pass === false));
}
