/**
 * Bone-cement (PMMA) volume estimate for the planned level, from the segmented vertebral-body volume and the
 * figures of the clinical review (shared/reference/pvpi-clinical-review.txt, "PMMA filling dosage and
 * distribution" and procedure step ix).
 */

/** Spine region of a level. */
export type SpineRegion = 'cervical' | 'thoracic' | 'lumbar' | 'sacral';

/** Average PMMA volume per vertebra by region, mL (review, citing Cotton et al. [16]). */
export const CEMENT_AVERAGE_ML: Readonly<Record<'cervical' | 'thoracic' | 'lumbar', number>> = { cervical: 2.5, thoracic: 5.5, lumbar: 7.0 };
/** Usual injected volume range, mL (review, procedure step ix). */
export const CEMENT_RANGE_ML: [number, number] = [2, 9];
/** Fill fractions of the body discussed in the review: 14% restores the pre-damage stiffness; 30% loses over half the shear stiffness. */
export const CEMENT_FILL_FRACTIONS = { restoresStiffness: 0.14, excessive: 0.3 } as const;

/** The review's sentences behind the figures, quoted for the report. */
export const CEMENT_SOURCE_TEXT =
  'Cotton et al. reported that the required amounts of vertebral bone cement filling were, on average, 2.5 mL in the cervical spine, ' +
  '5.5 mL in the thoracic spine, and 7.0 mL in the lumbar spine. [...] If the bone cement fills 14% of the vertebral body, recovery will ' +
  'proceed to the same level as was present before damage occurred. If 30% of the vertebral body is filled, more than half of the initial ' +
  'shear stiffness will be lost. [...] The injection volume is generally 2 to 9 mL. (PVPI clinical review, "PMMA filling dosage and ' +
  'distribution" and procedure step ix)';

export interface CementEstimate {
  level?: string;
  region?: SpineRegion;
  /** Segmented vertebral body (lesion included), cm³ = mL. */
  bodyVolumeMl: number;
  /** 14% of the body: the fill that restored pre-damage stiffness. */
  fill14PctMl: number;
  /** 30% of the body: the fill beyond which more than half of the shear stiffness was lost. */
  fill30PctMl: number;
  /** Average for the level's region (undefined when the level is unknown or sacral). */
  levelAverageMl?: number;
  /** Averages of every region, for when the level is unknown. */
  regionAveragesMl: Readonly<Record<'cervical' | 'thoracic' | 'lumbar', number>>;
  usualRangeMl: [number, number];
  /** Suggested volume: the 14% fill, kept inside the usual range. */
  suggestedMl: number;
  notes: string[];
  source: string;
}

/** Region of a level name such as "C5", "T12", "L1", "S1" (undefined when not recognised). */
export function spineRegionOf(level: string | undefined): SpineRegion | undefined {
  const m = /^\s*([CTLS])\s*(\d{1,2})\s*$/i.exec(level ?? '');
  if (!m) return undefined;
  return ({ C: 'cervical', T: 'thoracic', L: 'lumbar', S: 'sacral' } as const)[m[1].toUpperCase() as 'C' | 'T' | 'L' | 'S'];
}

/** Cement estimate from the segmented body volume (mL = cm³) and, when known, the level. */
export function estimateCement(bodyVolumeMl: number, level?: string): CementEstimate {
  if (!(bodyVolumeMl > 0) || !Number.isFinite(bodyVolumeMl)) throw new RangeError(`the vertebral body volume must be a positive number of mL, got ${bodyVolumeMl}`);
  const region = spineRegionOf(level);
  const fill14 = CEMENT_FILL_FRACTIONS.restoresStiffness * bodyVolumeMl;
  const fill30 = CEMENT_FILL_FRACTIONS.excessive * bodyVolumeMl;
  const avg = region && region !== 'sacral' ? CEMENT_AVERAGE_ML[region] : undefined;
  const [lo, hi] = CEMENT_RANGE_ML;
  const suggested = Math.min(hi, Math.max(lo, fill14));
  const notes: string[] = [];
  if (fill14 < lo) notes.push(`14% of this body (${fill14.toFixed(1)} mL) is below the usual minimum of ${lo} mL.`);
  if (fill14 > hi) notes.push(`14% of this body (${fill14.toFixed(1)} mL) is above the usual maximum of ${hi} mL.`);
  if (avg !== undefined && fill30 < avg) notes.push(`The ${region} average (${avg} mL) would fill more than 30% of this body: prefer less.`);
  if (!region) notes.push('Level unknown: compare with the regional averages.');
  notes.push('Symmetrical, moderate filling is advised; more cement raises the leakage risk without adding stiffness.');
  return {
    ...(level ? { level } : {}),
    ...(region ? { region } : {}),
    bodyVolumeMl,
    fill14PctMl: fill14,
    fill30PctMl: fill30,
    ...(avg !== undefined ? { levelAverageMl: avg } : {}),
    regionAveragesMl: CEMENT_AVERAGE_ML,
    usualRangeMl: [lo, hi],
    suggestedMl: suggested,
    notes,
    source: CEMENT_SOURCE_TEXT,
  };
}

/**
 * One line for the panel and the report: the suggested volume with the two fill fractions and what they mean
 * (14% restored the pre-damage stiffness, > 30% cost more than half of the shear stiffness), the region's average
 * (or all three when the level is unknown) and the usual range.
 */
export function cementSummary(e: CementEstimate, levelName: string): string {
  const avg =
    e.levelAverageMl !== undefined && e.region
      ? `${e.region} average ${e.levelAverageMl.toFixed(1)} mL`
      : `averages cervical ${e.regionAveragesMl.cervical.toFixed(1)} / thoracic ${e.regionAveragesMl.thoracic.toFixed(1)} / lumbar ${e.regionAveragesMl.lumbar.toFixed(1)} mL`;
  return (
    `${e.suggestedMl.toFixed(1)} mL suggested: 14% of the ${levelName} body ${e.bodyVolumeMl.toFixed(1)} mL restores stiffness; ` +
    `keep below 30% = ${e.fill30PctMl.toFixed(1)} mL; ${avg}; usual ${e.usualRangeMl[0]}–${e.usualRangeMl[1]} mL`
  );
}
