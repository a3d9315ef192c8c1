/**
 * Click-to-segment a vertebra on CT from one point inside its body.
 *
 * Pipeline (all in the anatomical working frame x → left, y → posterior, z → superior, see
 * anatomicalFrame.ts), documented with its parameters and measured accuracy in docs/segmentation.md:
 *  1. crop a box around the point; in-plane 3×3 median (noise, without spreading dense cortex into
 *     the neighbouring voxels) for the bone mask, in-plane box mean ≈ 1 mm for HU statistics (lesion);
 *  2. bone mask = median HU ≥ boneThresholdHU (150: above disc ≈ 80 HU, at the low end of normal cancellous bone);
 *  3. the body's extent along z: slices where the (closed, hole-filled) bone cross-section covers the
 *     point's column; the slab of the vertebra runs from mid-disc below to mid-disc above;
 *  4. region growing: 6-connected bone from the point inside the slab, after an in-plane opening that
 *     cuts thin leaks and with joint spaces removed (a narrow dark gap between two cortices on the unfiltered HU:
 *     the rib head's costovertebral joint, facets; jointGapsXY), followed by a geodesic reconstruction of the
 *     vertebra's own details that does not cross a joint space;
 *  5. 3-D hole filling: cavities enclosed by bone (low-density cancellous bone, a lytic lesion) join the
 *     vertebra, while the canal, open towards the neighbouring levels, does not;
 *  6. spinal canal: in each slice where the ring is closed, the enclosed 2-D hole behind the body (the
 *     vertebral foramen); the lumen enclosed in all those slices (the narrowest bony foramen) is carried
 *     across the whole slab, disc levels included, minus bone;
 *  7. split: body = bone anterior to the canal; pedicles = bone lateral to the canal, within the body's width,
 *     between the endplates, from the body back to 4/5 of the canal depth, bridging to the body in the slice,
 *     plus the root where the body's outline bulges postero-laterally in the pedicle slices;
 *     the rest = posterior elements;
 *  8. lesion = lytic (or blastic) HU range inside the body (lesion.ts).
 */
import type { ScalarVolume, TypedVoxelArray, Vec3 } from '../geometry/volume';
import { voxelCount, voxelToPatient } from '../geometry/volume';
import type { AxisMapping, CanonicalRoi } from './anatomicalFrame';
import { axisMappingOf, extractCanonicalRoi, patientToCanonical } from './anatomicalFrame';
import { SegmentationError, formatPointMm } from './errors';
import type { LesionOptions } from './lesion';
import { detectLesion } from './lesion';
import type { Dims } from './morphology';
import { boxMeanXY, closeBox, median3x3XY, connectedFrom, dilateBox, fillHoles2D, fillHoles3D, jointGapsXY, openBox, sliceHoles, thresholdMask } from './morphology';
import type { SegmentKey, SegmentLabel } from './segments';
import { LABEL_VALUES, SEGMENT_LABELS, SEGMENT_ORDER } from './segments';

export interface VertebraSegmentationOptions {
  /**
   * Bone threshold in HU on the in-plane median-filtered image (default 150: well above disc ≈ 80 HU and
   * muscle ≈ 50 HU, at the low end of normal cancellous bone 150–300 HU; lower-density cancellous bone inside
   * an intact cortex is recovered by the 3-D hole filling).
   */
  boneThresholdHU?: number;
  /** Radius of the in-plane box mean used for HU statistics (seed HU, lesion) in mm (default 1 → 3×3 at 1 mm pixels). */
  smoothingRadiusMm?: number;
  /** Half-sizes of the working box around the point, in mm. */
  roiMm?: { lateral?: number; anterior?: number; posterior?: number; craniocaudal?: number };
  /** In-plane opening radius in mm used to cut thin bony bridges to neighbours (default 1). */
  leakCutRadiusMm?: number;
  /**
   * Widest joint space (mm) cut between the vertebra and a neighbour (rib head, facet) before growing
   * (default 2: the dark gap is searched up to this far on each side; gaps up to ≈ 3 mm wide are found).
   */
  jointGapMaxMm?: number;
  /**
   * How much darker (HU, unfiltered image) a joint-space voxel must be than the cortices on both sides
   * (default 300: a partial-volumed 1–2 mm gap between two cortical plates reads ≥ 400 HU below them,
   * far above image noise; cancellous bone next to a single cortex has only one bright side).
   */
  jointGapContrastHU?: number;
  /** Smallest cross-section (mm²) of an enclosed hole accepted as the spinal canal (default 40). */
  minCanalAreaMm2?: number;
  /** Largest disc height searched for the neighbouring endplate (mm, default 20). */
  maxDiscHeightMm?: number;
  /**
   * Where the pedicle ends posteriorly, as a fraction of the canal depth measured from the body's posterior
   * wall (default 0.8: the pedicle–lamina junction near the postero-lateral corner of the vertebral foramen).
   */
  pedicleEndFraction?: number;
  /** Lesion detection options, or false to skip lesion detection. */
  lesion?: LesionOptions | false;
}

/** One segment of the result. */
export interface SegmentSummary {
  key: SegmentKey;
  /** Exact segment label (contract). */
  label: SegmentLabel;
  /** Value of this segment in `labels`. */
  labelValue: number;
  voxelCount: number;
  volumeCm3: number;
}

/** Result of {@link segmentVertebra}. Plain data: transferable from a Web Worker (`labels.buffer`). */
export interface VertebraSegmentation {
  /** Label volume on the CT grid (same dimensions and voxel order as the CT); values from LABEL_VALUES, 0 = background. */
  labels: Uint8Array;
  /** Segments present, in SEGMENT_ORDER; `Lesion` only when a lesion was found. */
  segments: SegmentSummary[];
  /** Source voxel index box [min, max] (inclusive) containing every labelled voxel: lets a viewer copy only that part. */
  boundsVoxel: { min: [number, number, number]; max: [number, number, number] };
  /** Centroid of the vertebral body (incl. lesion) in patient mm: use it for level labelling. */
  bodyCenterMm: Vec3;
  /** Patient z (mm) of the inferior and superior endplates (body extent along the head-feet axis). */
  endplatesZMm: { inferior: number; superior: number };
  /** Patient z (mm) of the slab boundaries (mid-disc below and above) within which the vertebra was grown. */
  slabZMm: { inferior: number; superior: number };
  /** Mean HU (in-plane smoothed) at the clicked point. */
  seedHU: number;
  /** Non-fatal observations (e.g. "no disc found above within 20 mm"). */
  warnings: string[];
}

const DEFAULTS = {
  boneThresholdHU: 150,
  smoothingRadiusMm: 1,
  roi: { lateral: 65, anterior: 55, posterior: 95, craniocaudal: 60 },
  leakCutRadiusMm: 1,
  jointGapMaxMm: 2,
  jointGapContrastHU: 300,
  minCanalAreaMm2: 40,
  maxDiscHeightMm: 20,
  /** Half-height of a disc assumed when no neighbouring endplate is found. */
  defaultHalfDiscMm: 4,
  /** Radius of the column around the point tested for body presence in each slice. */
  bodyColumnRadiusMm: 3,
  pedicleEndFraction: 0.8,
};

/**
 * Segments the vertebra whose body contains `pointMm` (patient LPS mm) into body, left/right pedicle,
 * posterior elements, spinal canal and (when present) lesion.
 *
 * @param ct CT volume in HU (any typed array; Int16 HU from the DICOM reader or a Cornerstone volume's scalar data).
 * @throws SegmentationError with codes `point-outside-image`, `point-not-in-bone`, `point-not-in-body`,
 *         `non-axial-series`, `invalid-volume`, `vertebra-not-found`.
 */
export function segmentVertebra(
  ct: ScalarVolume<TypedVoxelArray>,
  pointMm: Vec3,
  options: VertebraSegmentationOptions = {},
): VertebraSegmentation {
  const g = ct.geometry;
  if (ct.data.length !== voxelCount(g)) {
    throw new SegmentationError('invalid-volume', `CT data has ${ct.data.length} voxels, geometry says ${voxelCount(g)}`);
  }
  const mapping = axisMappingOf(g);
  const c = patientToCanonical(g, mapping, pointMm);
  const full = [0, 1, 2].map((d) => g.dimensions[mapping.sourceAxis[d]]);
  if (!pointMm.every(Number.isFinite) || c.some((v, d) => v < -0.5 || v > full[d] - 0.5)) {
    throw new SegmentationError('point-outside-image', `the point ${formatPointMm(pointMm)} is outside the image`);
  }
  const T = options.boneThresholdHU ?? DEFAULTS.boneThresholdHU;
  const roiMm = { ...DEFAULTS.roi, ...options.roiMm };
  const sp0: Vec3 = [g.spacingMm[mapping.sourceAxis[0]], g.spacingMm[mapping.sourceAxis[1]], g.spacingMm[mapping.sourceAxis[2]]];
  const lo: [number, number, number] = [c[0] - roiMm.lateral / sp0[0], c[1] - roiMm.anterior / sp0[1], c[2] - roiMm.craniocaudal / sp0[2]];
  const hi: [number, number, number] = [c[0] + roiMm.lateral / sp0[0], c[1] + roiMm.posterior / sp0[1], c[2] + roiMm.craniocaudal / sp0[2]];
  const roi = extractCanonicalRoi(ct, mapping, lo, hi);
  const dims = roi.dims;
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const sp = roi.spacingMm;
  const warnings: string[] = [];

  const sx = clampInt(Math.round(c[0]) - roi.offset[0], nx);
  const sy = clampInt(Math.round(c[1]) - roi.offset[1], ny);
  const sz = clampInt(Math.round(c[2]) - roi.offset[2], nz);
  const seedIdx = sx + nx * sy + nxy * sz;

  const rSmooth = Math.max(1, Math.round((options.smoothingRadiusMm ?? DEFAULTS.smoothingRadiusMm) / Math.min(sp[0], sp[1])));
  const smooth = boxMeanXY(roi.hu, dims, rSmooth);
  const bone = thresholdMask(median3x3XY(roi.hu, dims), T);
  const seedHU = smooth[seedIdx];

  // --- 3. body extent along z -----------------------------------------------------------------
  const filledCache: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(nz);
  const filledSlice = (z: number): Uint8Array => {
    let f = filledCache[z];
    if (!f) {
      const slice = bone.subarray(z * nxy, (z + 1) * nxy);
      const closed = closeBox(slice, [nx, ny, 1], [1, 1, 0]);
      const { ids } = sliceHoles(closed, [nx, ny, 1], 0);
      for (let p = 0; p < nxy; p++) if (ids[p] > 0) closed[p] = 1;
      f = closed;
      filledCache[z] = f;
    }
    return f;
  };
  const col = columnOffsets(sx, sy, nx, ny, DEFAULTS.bodyColumnRadiusMm / sp[0], DEFAULTS.bodyColumnRadiusMm / sp[1]);
  const bodyPresent = (z: number): boolean => {
    const f = filledSlice(z);
    let n = 0;
    for (const p of col) n += f[p];
    return n >= 0.5 * col.length;
  };

  const f0 = filledSlice(sz);
  if (!f0[sx + nx * sy] || !bodyPresent(sz)) {
    throw new SegmentationError(
      'point-not-in-bone',
      `the point ${formatPointMm(pointMm)} is at ${Math.round(seedHU)} HU, not inside bone; click inside the vertebral body`,
    );
  }
  let zTop = sz;
  while (zTop + 1 < nz && bodyPresent(zTop + 1)) zTop++;
  let zBot = sz;
  while (zBot - 1 >= 0 && bodyPresent(zBot - 1)) zBot--;
  if (zTop === nz - 1 || zBot === 0) {
    warnings.push(`the bone column through the point reaches the edge of the ${2 * roiMm.craniocaudal} mm search box: no disc found (fused levels?)`);
  }
  const maxGap = Math.round((options.maxDiscHeightMm ?? DEFAULTS.maxDiscHeightMm) / sp[2]);
  const halfDisc = Math.max(1, Math.round(DEFAULTS.defaultHalfDiscMm / sp[2]));
  const slabEdge = (from: number, step: 1 | -1): number => {
    let z = from + step;
    while (z >= 0 && z < nz && Math.abs(z - from) <= maxGap + 1 && !bodyPresent(z)) z += step;
    if (z >= 0 && z < nz && bodyPresent(z) && Math.abs(z - from) > 1) {
      // Mid-disc between this endplate and the neighbour's.
      return step > 0 ? Math.floor((from + z) / 2) : Math.ceil((from + z) / 2);
    }
    warnings.push(`no neighbouring vertebral body found ${step > 0 ? 'above' : 'below'} within ${options.maxDiscHeightMm ?? DEFAULTS.maxDiscHeightMm} mm`);
    return Math.max(0, Math.min(nz - 1, from + step * halfDisc));
  };
  const slabTop = slabEdge(zTop, 1);
  const slabBot = slabEdge(zBot, -1);

  // --- 4. region growing inside the slab with leak cutting ---------------------------------------
  const slabBone = bone.slice();
  slabBone.fill(0, 0, slabBot * nxy);
  slabBone.fill(0, (slabTop + 1) * nxy);
  const rLeak = Math.round((options.leakCutRadiusMm ?? DEFAULTS.leakCutRadiusMm) / Math.min(sp[0], sp[1]));
  const opened = rLeak > 0 ? openBox(slabBone, dims, [rLeak, rLeak, 0]) : slabBone;
  // Joint spaces (rib head against the body/pedicle, facet joints): a narrow dark gap between two cortices
  // that partial volume and the median fill in. They are cut on the unfiltered HU before growing, and the
  // reconstruction below may not cross them: the rib stops at its joint.
  const gapStepPx = Math.max(1, Math.round((options.jointGapMaxMm ?? DEFAULTS.jointGapMaxMm) / Math.min(sp[0], sp[1])));
  const gaps = jointGapsXY(roi.hu, slabBone, dims, gapStepPx, options.jointGapContrastHU ?? DEFAULTS.jointGapContrastHU);
  const growable = slabBone.slice();
  for (let i = 0; i < gaps.length; i++) {
    if (gaps[i]) {
      opened[i] = 0;
      growable[i] = 0;
    }
  }
  // Seeds: the bone of the point's slice connected to it in the closed, hole-filled cross-section (so that a
  // point in a lytic lesion, not bone itself, seeds the bone around it), minus joint spaces: a rib head
  // touching the body in that slice must not become a seed.
  const f0NoGaps = f0.slice();
  for (let p = 0; p < nxy; p++) if (gaps[sz * nxy + p]) f0NoGaps[p] = 0;
  const seedRegion = flood2D(f0NoGaps, nx, ny, sx + nx * sy);
  const seeds: number[] = [];
  for (let p = 0; p < nxy; p++) if (seedRegion[p] && opened[sz * nxy + p]) seeds.push(sz * nxy + p);
  let vertebra = connectedFrom(opened, dims, seeds);
  for (let it = 0; it <= rLeak; it++) {
    vertebra = dilateBox(vertebra, dims, [1, 1, 1]);
    for (let i = 0; i < vertebra.length; i++) vertebra[i] &= growable[i];
  }
  // Gap voxels touching the vertebra are its own (cancellous core of a thin lamina, the near half of a joint space).
  const touching = dilateBox(vertebra, dims, [1, 1, 0]);
  for (let i = 0; i < vertebra.length; i++) if (gaps[i] && touching[i]) vertebra[i] = 1;
  // --- 5. enclosed cavities (lesion, low-density cancellous bone) join the vertebra ---------------
  const filled = fillHoles3D(vertebra, dims);

  // --- 6. spinal canal ---------------------------------------------------------------------------
  const minCanalPx = (options.minCanalAreaMm2 ?? DEFAULTS.minCanalAreaMm2) / (sp[0] * sp[1]);
  const canalSlices: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(nz);
  for (let z = slabBot; z <= slabTop; z++) {
    const { ids, sizes } = sliceHoles(filled, dims, z);
    const sumY = new Float64Array(sizes.length);
    for (let p = 0; p < nxy; p++) if (ids[p]) sumY[ids[p]] += Math.floor(p / nx);
    let best = 0;
    for (let id = 1; id < sizes.length; id++) {
      if (sizes[id] >= minCanalPx && sumY[id] / sizes[id] > sy && (best === 0 || sizes[id] > sizes[best])) best = id;
    }
    if (best) {
      const m = new Uint8Array(nxy);
      for (let p = 0; p < nxy; p++) if (ids[p] === best) m[p] = 1;
      canalSlices[z] = m;
    }
  }
  const closedSlices: number[] = [];
  for (let z = slabBot; z <= slabTop; z++) if (canalSlices[z]) closedSlices.push(z);
  if (closedSlices.length === 0) {
    throw new SegmentationError(
      'vertebra-not-found',
      `the point ${formatPointMm(pointMm)} (${Math.round(seedHU)} HU) is not inside a vertebral body (no spinal canal enclosed by bone behind it); click inside the vertebral body`,
    );
  }
  // The canal's cross-section: the lumen enclosed in every closed slice (the narrowest bony foramen:
  // pedicles bound it laterally, the laminae posteriorly, the body anteriorly), carried across the slab.
  const votes = new Uint16Array(nxy);
  const areas: number[] = [];
  for (const z of closedSlices) {
    const m = canalSlices[z] as Uint8Array;
    let a = 0;
    for (let p = 0; p < nxy; p++) {
      votes[p] += m[p];
      a += m[p];
    }
    areas.push(a);
  }
  areas.sort((a, b) => a - b);
  const medianArea = areas[Math.floor(areas.length / 2)];
  let need = closedSlices.length;
  const lumen = new Uint8Array(nxy);
  for (;;) {
    let a = 0;
    for (let p = 0; p < nxy; p++) {
      lumen[p] = votes[p] >= need ? 1 : 0;
      a += lumen[p];
    }
    // An irregular slice (partial ring) must not shrink the lumen to nothing: relax to a majority vote.
    if (a >= 0.5 * medianArea || need <= Math.ceil(closedSlices.length / 2)) break;
    need--;
  }
  const canal = new Uint8Array(filled.length);
  for (let z = slabBot; z <= slabTop; z++) {
    for (let p = 0; p < nxy; p++) if (lumen[p] && !filled[z * nxy + p]) canal[z * nxy + p] = 1;
  }

  // --- 7. body / pedicles / posterior elements -----------------------------------------------------
  const labelsRoi = new Uint8Array(filled.length);
  // Body's lateral extent (x range of bone anterior to the canal between the endplates).
  const canalGeom = new Array<CanalSlice>(nz);
  for (let z = slabBot; z <= slabTop; z++) canalGeom[z] = canalGeometry(canal.subarray(z * nxy, (z + 1) * nxy), nx, ny);
  let bodyXMin = nx;
  let bodyXMax = -1;
  const body = new Uint8Array(filled.length);
  for (let z = slabBot; z <= slabTop; z++) {
    const cg = canalGeom[z];
    for (let y = 0; y < Math.min(ny, cg.yAnterior); y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * y + nxy * z;
        if (filled[i]) {
          body[i] = 1;
          if (z >= zBot && z <= zTop) {
            if (x < bodyXMin) bodyXMin = x;
            if (x > bodyXMax) bodyXMax = x;
          }
        }
      }
    }
  }
  const bodyFilled = fillHoles2D(body, dims);
  const pedicleFraction = options.pedicleEndFraction ?? DEFAULTS.pedicleEndFraction;
  const pedicle = new Uint8Array(filled.length);
  for (let z = zBot; z <= zTop; z++) {
    const cg = canalGeom[z];
    if (cg.xMax < 0) continue;
    // Canal depth edge to edge (rows yAnterior…yPosterior span yPosterior − yAnterior + 1 pixels); rows whose
    // centre lies within that fraction of it from the canal's anterior edge.
    const yEnd = cg.yAnterior - 0.5 + pedicleFraction * (cg.yPosterior - cg.yAnterior + 1);
    const o = z * nxy;
    const cand = new Uint8Array(nxy);
    for (let y = cg.yAnterior; y <= Math.min(ny - 1, Math.floor(yEnd)); y++) {
      for (let x = Math.max(0, bodyXMin); x <= Math.min(nx - 1, bodyXMax); x++) {
        const p = x + nx * y;
        if ((x < cg.xMin || x > cg.xMax) && filled[o + p] && !bodyFilled[o + p] && !canal[o + p]) cand[p] = 1;
      }
    }
    // Keep only the parts bridging to the body in this slice (the lamina below the pedicle does not).
    const touching: number[] = [];
    for (let p = 0; p < nxy; p++) {
      if (!cand[p]) continue;
      const x = p % nx;
      if ((p >= nx && bodyFilled[o + p - nx]) || (x > 0 && bodyFilled[o + p - 1]) || (x < nx - 1 && bodyFilled[o + p + 1])) touching.push(p);
    }
    for (const t of touching) {
      if (pedicle[o + t]) continue;
      const comp = flood2D(cand, nx, ny, t);
      for (let p = 0; p < nxy; p++) if (comp[p]) pedicle[o + p] = 1;
    }
  }
  // The pedicles' roots: where a pedicle joins, the body's cross-section bulges postero-laterally beyond
  // its outline in the slices without pedicles; that bulge (posterior third, lateral to the canal) is pedicle.
  const footprint = new Uint8Array(nxy);
  let footprintSlices = 0;
  let footprintYMin = ny;
  for (let z = zBot + 1; z < zTop; z++) {
    let hasPedicle = false;
    for (let p = 0; p < nxy && !hasPedicle; p++) if (pedicle[z * nxy + p]) hasPedicle = true;
    if (hasPedicle) continue;
    footprintSlices++;
    for (let p = 0; p < nxy; p++) {
      if (bodyFilled[z * nxy + p]) {
        footprint[p] = 1;
        footprintYMin = Math.min(footprintYMin, Math.floor(p / nx));
      }
    }
  }
  if (footprintSlices > 0) {
    for (let z = zBot; z <= zTop; z++) {
      const cg = canalGeom[z];
      if (cg.xMax < 0) continue;
      let hasPedicle = false;
      for (let p = 0; p < nxy && !hasPedicle; p++) if (pedicle[z * nxy + p]) hasPedicle = true;
      if (!hasPedicle) continue;
      const yFrom = cg.yAnterior - (cg.yAnterior - footprintYMin) / 3;
      for (let y = Math.max(0, Math.ceil(yFrom)); y < cg.yAnterior; y++) {
        for (let x = 0; x < nx; x++) {
          const p = x + nx * y;
          if ((x < cg.xMin || x > cg.xMax) && bodyFilled[z * nxy + p] && !footprint[p]) {
            bodyFilled[z * nxy + p] = 0;
            pedicle[z * nxy + p] = 1;
          }
        }
      }
    }
  }
  for (let z = slabBot; z <= slabTop; z++) {
    const cg = canalGeom[z];
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * y + nxy * z;
        if (canal[i]) {
          labelsRoi[i] = LABEL_VALUES.canal;
        } else if (bodyFilled[i]) {
          labelsRoi[i] = LABEL_VALUES.body;
        } else if (pedicle[i]) {
          // x grows towards the patient's left.
          labelsRoi[i] = x > cg.xMax ? LABEL_VALUES.leftPedicle : LABEL_VALUES.rightPedicle;
        } else if (filled[i]) {
          labelsRoi[i] = LABEL_VALUES.posteriorElements;
        }
      }
    }
  }

  // --- 8. lesion -------------------------------------------------------------------------------------
  if (options.lesion !== false) {
    const bodyCore = new Uint8Array(filled.length);
    for (let i = zBot * nxy; i < (zTop + 1) * nxy; i++) bodyCore[i] = labelsRoi[i] === LABEL_VALUES.body ? 1 : 0;
    const lesion = detectLesion(smooth, bodyCore, dims, sp, options.lesion ?? {});
    for (let i = 0; i < lesion.length; i++) if (lesion[i]) labelsRoi[i] = LABEL_VALUES.lesion;
  }

  // --- checks, summary, mapping back onto the CT grid -------------------------------------------
  const seedLabel = labelsRoi[seedIdx];
  if (seedLabel === LABEL_VALUES.canal) {
    throw new SegmentationError('point-not-in-body', `the point ${formatPointMm(pointMm)} is in the spinal canal; click inside the vertebral body`);
  }
  if (seedLabel !== LABEL_VALUES.body && seedLabel !== LABEL_VALUES.lesion) {
    const where = seedLabel === 0 ? 'not inside the vertebra' : 'in the posterior arch (pedicle or lamina)';
    throw new SegmentationError('point-not-in-body', `the point ${formatPointMm(pointMm)} is ${where}; click inside the vertebral body`);
  }
  const voxelCm3 = (sp[0] * sp[1] * sp[2]) / 1000;
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < labelsRoi.length; i++) counts[labelsRoi[i]]++;
  const bodyCm3 = (counts[LABEL_VALUES.body] + counts[LABEL_VALUES.lesion]) * voxelCm3;
  if (bodyCm3 > 250) {
    throw new SegmentationError(
      'vertebra-not-found',
      `the region grown from ${formatPointMm(pointMm)} is ${bodyCm3.toFixed(0)} cm³, far larger than a vertebral body; is the point inside a vertebral body?`,
    );
  }
  const segments: SegmentSummary[] = [];
  for (const key of SEGMENT_ORDER) {
    const n = counts[LABEL_VALUES[key]];
    if (n === 0 && key === 'lesion') continue;
    if (n === 0) warnings.push(`segment "${SEGMENT_LABELS[key]}" is empty`);
    segments.push({ key, label: SEGMENT_LABELS[key], labelValue: LABEL_VALUES[key], voxelCount: n, volumeCm3: n * voxelCm3 });
  }

  const labels = new Uint8Array(ct.data.length);
  let cx = 0;
  let cy = 0;
  let cz = 0;
  let cn = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * y + nxy * z;
        const l = labelsRoi[i];
        if (!l) continue;
        labels[roi.sourceIndex[i]] = l;
        if (l === LABEL_VALUES.body || l === LABEL_VALUES.lesion) {
          cx += x;
          cy += y;
          cz += z;
          cn++;
        }
      }
    }
  }
  const toPatient = (x: number, y: number, z: number): Vec3 => canonicalToPatient(ct, roi, x, y, z);
  return {
    labels,
    segments,
    boundsVoxel: sourceBounds(roi, g.dimensions),
    bodyCenterMm: toPatient(cx / cn, cy / cn, cz / cn),
    endplatesZMm: { inferior: toPatient(sx, sy, zBot - 0.5)[2], superior: toPatient(sx, sy, zTop + 0.5)[2] },
    slabZMm: { inferior: toPatient(sx, sy, slabBot - 0.5)[2], superior: toPatient(sx, sy, slabTop + 0.5)[2] },
    seedHU,
    warnings,
  };
}

function clampInt(v: number, n: number): number {
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/** Flat in-slice offsets of the pixels within an ellipse of radii (rx, ry) pixels around (cx, cy). */
function columnOffsets(cx: number, cy: number, nx: number, ny: number, rx: number, ry: number): number[] {
  const out: number[] = [];
  const ix = Math.ceil(rx);
  const iy = Math.ceil(ry);
  for (let dy = -iy; dy <= iy; dy++) {
    for (let dx = -ix; dx <= ix; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      if (x < 0 || y < 0 || x >= nx || y >= ny) continue;
      if ((dx * dx) / Math.max(rx * rx, 0.25) + (dy * dy) / Math.max(ry * ry, 0.25) <= 1) out.push(x + nx * y);
    }
  }
  return out;
}

/** 4-connected 2-D region of `mask` containing pixel `start`. */
function flood2D(mask: Uint8Array, nx: number, ny: number, start: number): Uint8Array {
  const out = new Uint8Array(nx * ny);
  if (!mask[start]) return out;
  const stack = [start];
  out[start] = 1;
  while (stack.length) {
    const p = stack.pop() as number;
    const x = p % nx;
    const y = (p - x) / nx;
    const nb = [x > 0 ? p - 1 : -1, x < nx - 1 ? p + 1 : -1, y > 0 ? p - nx : -1, y < ny - 1 ? p + nx : -1];
    for (const q of nb) {
      if (q >= 0 && mask[q] && !out[q]) {
        out[q] = 1;
        stack.push(q);
      }
    }
  }
  return out;
}

/**
 * Canal cross-section geometry in one slice: lateral extent, anterior border near the midline
 * (the body's posterior wall) and the centre line, in pixel indices.
 */
function canalGeometry(m: Uint8Array, nx: number, ny: number): CanalSlice {
  let xMin = nx;
  let xMax = -1;
  let yPosterior = -1;
  let sumY = 0;
  let n = 0;
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      if (!m[x + nx * y]) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y > yPosterior) yPosterior = y;
      sumY += y;
      n++;
    }
  }
  if (n === 0) return { xMin: nx, xMax: -1, yAnterior: 0, yPosterior: -1, yCentre: -1 };
  const w = xMax - xMin;
  let yAnterior = ny;
  for (let y = 0; y < ny && yAnterior === ny; y++) {
    for (let x = Math.ceil(xMin + w / 4); x <= Math.floor(xMax - w / 4); x++) {
      if (m[x + nx * y]) {
        yAnterior = y;
        break;
      }
    }
  }
  return { xMin, xMax, yAnterior, yPosterior, yCentre: sumY / n };
}

interface CanalSlice {
  xMin: number;
  xMax: number;
  yAnterior: number;
  yPosterior: number;
  yCentre: number;
}

/** Patient position (mm) of a (fractional) ROI voxel. */
function canonicalToPatient(ct: ScalarVolume<TypedVoxelArray>, roi: CanonicalRoi, x: number, y: number, z: number): Vec3 {
  const v = canonicalToSourceVoxel(roi.mapping, ct.geometry.dimensions, [x + roi.offset[0], y + roi.offset[1], z + roi.offset[2]]);
  return voxelToPatient(ct.geometry, v[0], v[1], v[2]);
}

function canonicalToSourceVoxel(m: AxisMapping, sourceDims: readonly number[], u: Vec3): Vec3 {
  const v: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const a = m.sourceAxis[d];
    v[a] = m.sign[d] > 0 ? u[d] : sourceDims[a] - 1 - u[d];
  }
  return v;
}

function sourceBounds(roi: CanonicalRoi, sourceDims: readonly number[]): { min: [number, number, number]; max: [number, number, number] } {
  const a = canonicalToSourceVoxel(roi.mapping, sourceDims, [roi.offset[0], roi.offset[1], roi.offset[2]]);
  const b = canonicalToSourceVoxel(roi.mapping, sourceDims, [
    roi.offset[0] + roi.dims[0] - 1,
    roi.offset[1] + roi.dims[1] - 1,
    roi.offset[2] + roi.dims[2] - 1,
  ]);
  return {
    min: [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.min(a[2], b[2])],
    max: [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.max(a[2], b[2])],
  };
}

/** Dims re-export for callers building test volumes. */
export type { Dims };
