/**
 * The ACAS Xu instances of VNN-COMP 2021 (φ1–φ4 on all 45 networks, φ5–φ10 on one network each:
 * 186 instances) and the verdicts the shared data README lists as known.
 */

/** One ACAS Xu instance: network N_{x,y} and property φ_p. */
export interface AcasXuInstance {
  /** First network index (previous advisory), 1..5. */
  readonly x: number;
  /** Second network index (τ), 1..9. */
  readonly y: number;
  /** Property, 1..10. */
  readonly property: number;
}

/** The 186 VNN-COMP 2021 instances, in the order φ1–φ4 × networks, then φ5–φ10. */
export function acasXuInstances(): AcasXuInstance[] {
  const out: AcasXuInstance[] = [];
  for (let property = 1; property <= 4; property++) for (let x = 1; x <= 5; x++) for (let y = 1; y <= 9; y++) out.push({ x, y, property });
  out.push({ x: 1, y: 1, property: 5 }, { x: 1, y: 1, property: 6 }, { x: 1, y: 9, property: 7 }, { x: 2, y: 9, property: 8 }, { x: 3, y: 3, property: 9 }, { x: 4, y: 5, property: 10 });
  return out;
}

/**
 * Expected verdicts from the data README (§5: networks N1,1–N2,9; majority of VNN-COMP 2021
 * verifiers, counterexamples replayed): `'holds'` or `'violated'`, or undefined where not listed.
 */
export function expectedAcasXuVerdict(instance: AcasXuInstance): 'holds' | 'violated' | undefined {
  const { x, y, property: p } = instance;
  if (p === 5 || p === 6) return x === 1 && y === 1 ? 'holds' : undefined;
  if (p === 7) return x === 1 && y === 9 ? 'violated' : undefined;
  if (p === 8) return x === 2 && y === 9 ? 'violated' : undefined;
  if (p > 8 || x > 2) return undefined;
  if (p === 1) return 'holds';
  if (p === 2) return x === 2 || (y >= 2 && y <= 6) ? 'violated' : 'holds';
  // φ3, φ4: violated only on N1,7–N1,9.
  return x === 1 && y >= 7 ? 'violated' : 'holds';
}
