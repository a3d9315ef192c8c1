/**
 * Adult vertebral dimensions used to build the phantom, per level (mm, degrees).
 *
 * Sources (mean values, rounded to 0.5 mm / 1°; the phantom is a plausible average adult, not a specific patient):
 *  - Panjabi MM et al. Thoracic human vertebrae: quantitative three-dimensional anatomy. Spine 1991;16(8):888–901
 *    (T10–T12: endplate width/depth, posterior body height, pedicle width/height, pedicle transverse angle, canal width/depth).
 *  - Panjabi MM et al. Human lumbar vertebrae: quantitative three-dimensional anatomy. Spine 1992;17(3):299–306
 *    (L1–L4: same parameters).
 *  - Zindrick MR et al. Analysis of the morphometric characteristics of the thoracic and lumbar pedicles. Spine 1987;12(2):160–166
 *    (pedicle isthmus width and transverse angle, used to cross-check the values above).
 *  - Disc heights: typical adult mid-disc heights increasing caudally (e.g. Zhou SH et al., Eur Spine J 2000;9:242–248).
 * Canal width is the interpedicular distance; canal depth is the mid-sagittal diameter.
 */
export interface LevelMorphometry {
  /** Level name, e.g. "L1". */
  name: string;
  /** Vertebral body (endplate) width, left–right (Panjabi EPW). */
  bodyWidthMm: number;
  /** Vertebral body (endplate) depth, antero-posterior (Panjabi EPD). */
  bodyDepthMm: number;
  /** Vertebral body height (Panjabi VBH, posterior). */
  bodyHeightMm: number;
  /** Pedicle width at the isthmus, outer cortex to outer cortex (Panjabi PDW / Zindrick). */
  pedicleWidthMm: number;
  /** Pedicle height at the isthmus (Panjabi PDH). */
  pedicleHeightMm: number;
  /** Pedicle transverse (medial) angle in the axial plane (Panjabi PDt; positive = axis converges anteriorly). */
  pedicleMedialAngleDeg: number;
  /** Spinal canal width = interpedicular distance (Panjabi SCW). */
  canalWidthMm: number;
  /** Spinal canal depth, mid-sagittal (Panjabi SCD). */
  canalDepthMm: number;
  /** Transverse process length from the pedicle–lamina junction to its tip. */
  transverseProcessLengthMm: number;
  /** Spinous process length from the lamina junction to its tip. */
  spinousProcessLengthMm: number;
  /** Caudal inclination of the spinous process from the axial plane. */
  spinousProcessInclinationDeg: number;
  /** Height of the intervertebral disc below this level. */
  discBelowHeightMm: number;
}

/** T10 to L4, cranial to caudal. T10 and L4 are only partly inside the field of view. */
export const LEVEL_MORPHOMETRY: readonly LevelMorphometry[] = [
  { name: 'T10', bodyWidthMm: 36, bodyDepthMm: 29, bodyHeightMm: 20, pedicleWidthMm: 6.5, pedicleHeightMm: 15, pedicleMedialAngleDeg: 5, canalWidthMm: 17.5, canalDepthMm: 16.5, transverseProcessLengthMm: 18, spinousProcessLengthMm: 30, spinousProcessInclinationDeg: 35, discBelowHeightMm: 6 },
  { name: 'T11', bodyWidthMm: 38, bodyDepthMm: 30, bodyHeightMm: 21, pedicleWidthMm: 7.5, pedicleHeightMm: 16, pedicleMedialAngleDeg: 5, canalWidthMm: 18.5, canalDepthMm: 17, transverseProcessLengthMm: 14, spinousProcessLengthMm: 30, spinousProcessInclinationDeg: 25, discBelowHeightMm: 6.5 },
  { name: 'T12', bodyWidthMm: 40, bodyDepthMm: 31, bodyHeightMm: 23, pedicleWidthMm: 7.5, pedicleHeightMm: 15.5, pedicleMedialAngleDeg: 7, canalWidthMm: 20, canalDepthMm: 17.5, transverseProcessLengthMm: 10, spinousProcessLengthMm: 30, spinousProcessInclinationDeg: 15, discBelowHeightMm: 7.5 },
  { name: 'L1', bodyWidthMm: 42, bodyDepthMm: 32, bodyHeightMm: 25, pedicleWidthMm: 8, pedicleHeightMm: 15, pedicleMedialAngleDeg: 11, canalWidthMm: 21.5, canalDepthMm: 18, transverseProcessLengthMm: 18, spinousProcessLengthMm: 30, spinousProcessInclinationDeg: 5, discBelowHeightMm: 9 },
  { name: 'L2', bodyWidthMm: 45, bodyDepthMm: 34, bodyHeightMm: 26, pedicleWidthMm: 8.5, pedicleHeightMm: 15, pedicleMedialAngleDeg: 12, canalWidthMm: 22.5, canalDepthMm: 17.5, transverseProcessLengthMm: 22, spinousProcessLengthMm: 31, spinousProcessInclinationDeg: 5, discBelowHeightMm: 10 },
  { name: 'L3', bodyWidthMm: 48, bodyDepthMm: 35, bodyHeightMm: 27, pedicleWidthMm: 10, pedicleHeightMm: 14.5, pedicleMedialAngleDeg: 14, canalWidthMm: 23.5, canalDepthMm: 17, transverseProcessLengthMm: 26, spinousProcessLengthMm: 31, spinousProcessInclinationDeg: 5, discBelowHeightMm: 11 },
  { name: 'L4', bodyWidthMm: 50, bodyDepthMm: 35, bodyHeightMm: 27, pedicleWidthMm: 12.5, pedicleHeightMm: 14, pedicleMedialAngleDeg: 16, canalWidthMm: 24, canalDepthMm: 17, transverseProcessLengthMm: 22, spinousProcessLengthMm: 30, spinousProcessInclinationDeg: 5, discBelowHeightMm: 11 },
];
