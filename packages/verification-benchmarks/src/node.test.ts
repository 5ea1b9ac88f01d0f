import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirePresent, sharedData } from '../../../scripts/shared-data.test-helper';
import { BENCHMARK_NAMES, CHECKSUM_FILE, benchmarkChecksums, benchmarkDir, benchmarksDir, parseSha256Sums, readBenchmarkFile } from './node';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .map((entry) => relative(benchmarksDir(), join(dir, entry)).split('\\').join('/'));

describe('the shipped files', () => {
  const sums = benchmarkChecksums();

  it('are the 45 ACAS Xu networks, the ten properties and the OVAL base network with its five tables', () => {
    const paths = [...sums.keys()];
    expect(paths.filter((p) => /^acasxu\/nnet\/ACASXU_run2a_[1-5]_[1-9]_batch_2000\.nnet$/.test(p))).toHaveLength(45);
    expect(paths.filter((p) => /^acasxu\/vnnlib\/prop_([1-9]|10)\.vnnlib$/.test(p))).toHaveLength(10);
    expect(paths.filter((p) => p.startsWith('oval-cifar/')).sort()).toEqual(
      ['base_100.csv', 'base_20.csv', 'base_easy.csv', 'base_hard.csv', 'base_med.csv', 'cifar_base_kw.json', 'cifar_base_kw.weights.bin'].map((f) => `oval-cifar/${f}`),
    );
    expect(sums.size).toBe(62);
  });

  it('match their SHA-256, and every data file is listed (only READMEs and licences are not)', () => {
    for (const [path, expected] of sums) expect(sha256(readFileSync(join(benchmarksDir(), path))), path).toBe(expected);
    const unlisted = BENCHMARK_NAMES.flatMap((name) => filesUnder(benchmarkDir(name))).filter((p) => !sums.has(p));
    expect(unlisted.sort()).toEqual(['acasxu/LICENSE', 'acasxu/README.md', 'oval-cifar/LICENSE', 'oval-cifar/README.md']);
  });

  it('keep the licence notices: CC BY 4.0 in every network file, MIT for the OVAL files', () => {
    for (const path of [...sums.keys()].filter((p) => p.endsWith('.nnet'))) {
      expect(readFileSync(join(benchmarksDir(), path), 'utf8').split('\n').slice(0, 2).join(' '), path).toMatch(/Creative Commons\s+\/\/ Attribution 4\.0 International License/);
    }
    expect(readFileSync(join(benchmarkDir('acasxu'), 'LICENSE'), 'utf8')).toMatch(/Creative Commons Attribution 4\.0 International License/);
    expect(readFileSync(join(benchmarkDir('oval-cifar'), 'LICENSE'), 'utf8')).toMatch(/MIT License\s+Copyright \(c\) 2019 oval-group/);
  });

  const acasxu = sharedData('acasxu', ['nnet/ACASXU_run2a_1_1_batch_2000.nnet']);
  const oval = sharedData('oval-cifar', ['cifar_base_kw.weights.bin']);
  it.skipIf(acasxu.skip || oval.skip)('are byte for byte the development copies in ../shared/data', () => {
    requirePresent(acasxu);
    requirePresent(oval);
    for (const path of sums.keys()) {
      const [name, ...rest] = path.split('/');
      const original = join(name === 'acasxu' ? acasxu.dir : oval.dir, ...rest);
      expect(existsSync(original), original).toBe(true);
      expect(sha256(readFileSync(original)), path).toBe(sums.get(path));
    }
  });
});

describe('readBenchmarkFile', () => {
  it('returns the checked bytes of a shipped file', () => {
    const text = new TextDecoder().decode(readBenchmarkFile('acasxu/vnnlib/prop_1.vnnlib'));
    expect(text).toMatch(/\(declare-const X_0 Real\)/);
    expect(readBenchmarkFile('oval-cifar/cifar_base_kw.weights.bin').length).toBe(423864);
  });

  it('refuses a path that is not a shipped file, naming it', () => {
    expect(() => readBenchmarkFile('acasxu/vnnlib/prop_11.vnnlib')).toThrow(/'acasxu\/vnnlib\/prop_11\.vnnlib' is not one of its 62 files/);
    expect(() => readBenchmarkFile('../package.json')).toThrow(/is not one of its/);
    expect(() => readBenchmarkFile(CHECKSUM_FILE)).toThrow(/is not one of its/);
  });
});

describe('benchmarkDir', () => {
  it('gives each benchmark folder and refuses unknown names', () => {
    expect(existsSync(join(benchmarkDir('acasxu'), 'nnet', 'ACASXU_run2a_4_5_batch_2000.nnet'))).toBe(true);
    expect(existsSync(join(benchmarkDir('oval-cifar'), 'base_hard.csv'))).toBe(true);
    expect(() => benchmarkDir('mnist' as never)).toThrow(/unknown benchmark 'mnist', expected one of acasxu, oval-cifar/);
  });
});

describe('parseSha256Sums', () => {
  const hash = 'a'.repeat(64);
  it('reads the sha256sum format, text and binary markers', () => {
    expect([...parseSha256Sums(`${hash}  a/b.txt\n${'b'.repeat(64)} *c.bin\n`, 'S')]).toEqual([['a/b.txt', hash], ['c.bin', 'b'.repeat(64)]]);
  });
  it('names the file and line of a malformed or repeated entry', () => {
    expect(() => parseSha256Sums(`${hash}  a\nnot a checksum\n`, 'SUMS')).toThrow(/^SUMS:2: expected/);
    expect(() => parseSha256Sums(`${hash.slice(1)}  a\n`, 'SUMS')).toThrow(/^SUMS:1: expected/);
    expect(() => parseSha256Sums(`${hash}  a\n${hash}  a\n`, 'SUMS')).toThrow(/^SUMS:2: 'a' is listed twice/);
  });
});
