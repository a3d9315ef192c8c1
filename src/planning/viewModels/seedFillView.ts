/**
 * What the radiologist reads after "Fill needle": how many seeds were placed along the needle at the chosen spacing,
 * and which lattice positions the placement rules refused and why (counted per rule, most frequent first).
 */
import { parseDecimalInput } from './decimalInput';
import { PLACEMENT_REJECTION_TEXT, SEED_SPACING_RANGE_MM, type PlacementRejection, type SeedPlacementResult } from '../seedPlacement';

export function seedFillSummary(needleLabel: string, spacingMm: number, result: Pick<SeedPlacementResult, 'seeds' | 'rejected'>): string {
  const n = result.seeds.length;
  const counts = new Map<PlacementRejection, number>();
  for (const r of result.rejected) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  const refused = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, k]) => `${k} ${PLACEMENT_REJECTION_TEXT[reason]}`)
    .join(', ');
  const placed = n === 0 ? `${needleLabel}: no seed position at ${spacingMm} mm spacing` : `${needleLabel}: ${n} ${n === 1 ? 'seed' : 'seeds'} at ${spacingMm} mm spacing from the tip`;
  return refused ? `${placed} (positions refused: ${refused}).` : `${placed}.`;
}

/** The spacing typed by the user (mm) or a sentence saying what is allowed. */
export function parseSeedSpacingMm(text: string): { spacingMm: number } | { error: string } {
  const v = parseDecimalInput(text);
  const [lo, hi] = SEED_SPACING_RANGE_MM;
  if (!Number.isFinite(v) || v < lo || v > hi) return { error: `Seed spacing must be ${lo}–${hi} mm centre to centre` };
  return { spacingMm: v };
}
