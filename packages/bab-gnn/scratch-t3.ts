import { readFileSync } from 'node:fs';
import * as t from '@nnlab/tensor-gpu';
import { parseNnet, parseVnnlib, verify } from './src/index';
await t.setBackend('cpu');
const cases = process.argv.slice(2).map(s=>s.split(':'));
for (const [net, prop] of cases) {
  const [a,b]=net.split(',');
  const m = parseNnet(readFileSync(`/work/shared/data/acasxu/nnet/ACASXU_run2a_${a}_${b}_batch_2000.nnet`,'utf8'));
  const s=parseVnnlib(readFileSync(`/work/shared/data/acasxu/vnnlib/prop_${prop}.vnnlib`,'utf8'));
  const r = await verify(m.network, s, {timeout: Number(process.env.TO ?? 60), attack: {restarts: Number(process.env.RS ?? 10), steps: 50}});
  console.log(net, prop, r.status, JSON.stringify(r.stats), r.counterexample ? Array.from(r.counterexample.input) : '');
}
