/**
 * What a report needs to be reproduced: the versions of the packages that ran, the git commit of
 * the checkout, the seed and the options. Read once per run from the files beside the command.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TierName } from '../experiment';

/** The git commit of the checkout the command ran from, or why there is none. */
export type GitInfo = { commit: string; dirty: boolean } | { commit: null; reason: string };

/** How a run can be reproduced. */
export interface RunProvenance {
  /** Version of the lab and of every package it depends on (`@nnlab/*` and the data packages), from their package.json. */
  packages: Record<string, string>;
  /** The git commit, and whether the working tree had uncommitted changes. */
  git: GitInfo;
  /** The base seed of every random draw (`--seed`). */
  seed: number;
  /** The tier every experiment ran in. */
  tier: TierName;
  /** The experiments' own options given on the command line, after parsing. */
  options: Record<string, unknown>;
}

function readJson(path: string): { name?: string; version?: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
}

/** The directory of the `@nnlab/lab` package that holds `from` (the built command or a source file). */
export function labDirectory(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readJson(manifest).name === '@nnlab/lab') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the @nnlab/lab package.json above ${from}`);
  }
}

/** The package.json of dependency `name` as Node would find it from `dir` (node_modules upwards). */
function dependencyManifest(dir: string, name: string): string | null {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return null;
  }
}

/**
 * The versions of the lab and its dependencies, from the installed package.json files; a
 * dependency that is not installed reads `not installed` rather than being left out.
 */
export function packageVersions(labDir: string = labDirectory()): Record<string, string> {
  const lab = readJson(join(labDir, 'package.json'));
  const versions: Record<string, string> = { [lab.name!]: lab.version ?? 'unknown' };
  for (const name of Object.keys(lab.dependencies ?? {}).sort()) {
    const manifest = dependencyManifest(labDir, name);
    versions[name] = manifest ? readJson(manifest).version ?? 'unknown' : 'not installed';
  }
  return versions;
}

/** The commit checked out in `dir`, or the reason there is none (not a git checkout, no git). */
export function gitInfo(dir: string = labDirectory()): GitInfo {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    return { commit, dirty: git('status', '--porcelain', '--untracked-files=no').length > 0 };
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    const reason = err.code === 'ENOENT' ? 'git is not installed' : (err.stderr?.trim() || err.message).split('\n')[0];
    return { commit: null, reason: `no git commit: ${reason}` };
  }
}
