/**
 * The host viewer's segmentation and volume APIs we use (OHIF 3.13 segmentationService, Cornerstone3D 5.x
 * cache/metadata/segmentation state), typed structurally and reached lazily through the host context.
 * Everything that touches OHIF/Cornerstone objects for the segmentation feature lives here.
 */
import type { Vec3, VolumeGeometry } from '../../../../src/geometry/volume';
import { getCornerstone, getCornerstoneTools } from '../host/cornerstoneHost';
import { getHostContext } from '../host/hostContext';
import type { DisplaySet, PubSubService } from '../host/ohifTypes';

/** OHIF segmentationService (3.13), the calls we make. */
export interface SegmentationServiceLike extends PubSubService {
  createLabelmapForDisplaySet(displaySet: unknown, options: { segmentationId?: string; label?: string; segments?: Record<number, unknown> }): Promise<string>;
  addSegmentationRepresentation(viewportId: string, options: { segmentationId: string; type?: string }): Promise<void>;
  setActiveSegmentation(viewportId: string, segmentationId: string): void;
  getSegmentation(segmentationId: string): CsSegmentation | undefined;
  getSegmentations(): CsSegmentation[];
  addSegment(segmentationId: string, config: { segmentIndex: number; label: string; color?: number[]; active?: boolean }): void;
  removeSegment(segmentationId: string, segmentIndex: number): void;
  setSegmentLabel(segmentationId: string, segmentIndex: number, label: string): void;
  setSegmentColor(viewportId: string, segmentationId: string, segmentIndex: number, color: number[]): void;
  setActiveSegment?(segmentationId: string, segmentIndex: number): void;
  getViewportIdsWithSegmentation(segmentationId: string): string[];
}

/** A Cornerstone segmentation (state object). */
export interface CsSegmentation {
  segmentationId: string;
  label?: string;
  segments: Record<string, { segmentIndex: number; label: string } | undefined>;
  representationData: { Labelmap?: { imageIds?: string[]; referencedImageIds?: string[] } };
}

interface CsImage {
  imageId: string;
  referencedImageId?: string;
  voxelManager?: { getScalarData(): ArrayLike<number> & { [i: number]: number } };
  getPixelData?(): ArrayLike<number> & { [i: number]: number };
}

interface CsVolume {
  volumeId: string;
  dimensions: ArrayLike<number>;
  spacing: ArrayLike<number>;
  origin: ArrayLike<number>;
  direction: ArrayLike<number>;
  imageIds: string[];
  metadata?: { FrameOfReferenceUID?: string };
  loadStatus?: { loaded?: boolean; loading?: boolean };
  voxelManager: { getCompleteScalarDataArray(): ArrayLike<number>; getScalarDataLength?(): number };
}

interface CsViewport {
  id: string;
  getVolumeId?(): string | undefined;
  getAllVolumeIds?(): string[];
  getActors?(): Array<{ referencedId?: string; uid?: string }>;
  worldToCanvas(world: Vec3): [number, number];
}

interface CsCoreHost {
  cache: { getVolume(id: string): CsVolume | undefined; getImage(id: string): CsImage | undefined };
  getEnabledElementByViewportId?(viewportId: string): { viewport: CsViewport } | undefined;
  metaData: { get(type: string, imageId: string): unknown };
}

interface CsToolsHost {
  segmentation: {
    state: { getSegmentation(id: string): CsSegmentation | undefined };
    getLabelmapImageIds?(id: string): string[] | string | undefined;
    triggerSegmentationEvents: { triggerSegmentationDataModified(id: string, slices?: number[]): void };
  };
}

interface ViewportGridState {
  viewports: Map<string, { viewportId: string; displaySetInstanceUIDs?: string[] }>;
  activeViewportId?: string;
}

/** The services this feature needs; throws a one-line error when the host lacks one. */
export function services() {
  const s = getHostContext().servicesManager.services;
  const segmentationService = s.segmentationService as SegmentationServiceLike | undefined;
  if (!segmentationService) throw new Error("OHIF's segmentation service is not available: the cornerstone extension must be loaded");
  return {
    segmentationService,
    viewportGridService: s.viewportGridService as (typeof s.viewportGridService & { getState(): ViewportGridState }) | undefined,
    displaySetService: s.displaySetService,
    uiNotificationService: s.uiNotificationService,
    userAuthenticationService: s.userAuthenticationService as { getAuthorizationHeader?(): Record<string, string> | undefined } | undefined,
  };
}

function core(): CsCoreHost {
  return getCornerstone() as unknown as CsCoreHost;
}

function tools(): CsToolsHost {
  return getCornerstoneTools() as unknown as CsToolsHost;
}

/** The CT volume shown in a viewport, with the OHIF display set it was built from. */
export interface CtVolumeInView {
  displaySet: DisplaySet;
  volume: CsVolume;
  geometry: VolumeGeometry;
}

/** The first CT display set shown in the viewport. */
export function ctDisplaySetOfViewport(viewportId: string): DisplaySet | undefined {
  const { viewportGridService, displaySetService } = services();
  const uids = viewportGridService?.getDisplaySetsUIDsForViewport(viewportId) ?? [];
  return uids.map((uid) => displaySetService?.getDisplaySetByUID(uid)).find((ds): ds is DisplaySet => ds?.Modality === 'CT');
}

/** The Cornerstone viewport with this id, if rendered. */
export function viewportById(viewportId: string): CsViewport | undefined {
  return core().getEnabledElementByViewportId?.(viewportId)?.viewport;
}

/**
 * The CT volume displayed in `viewportId`, or a clear error: no CT in this viewport, a stack (non-volume)
 * viewport, or a series OHIF could not reconstruct as a volume (non-uniform spacing, mixed orientation).
 */
export function ctVolumeOfViewport(viewportId: string): CtVolumeInView {
  const displaySet = ctDisplaySetOfViewport(viewportId);
  if (!displaySet) throw new Error('No CT series in this viewport: click in a viewport showing the CT');
  if (displaySet.isReconstructable === false) {
    throw new Error('This CT series cannot be used as a volume (non-uniform slice spacing, missing slices or mixed orientations): segmentation needs an evenly spaced axial series');
  }
  const viewport = viewportById(viewportId);
  const ids = viewport?.getAllVolumeIds?.() ?? [viewport?.getVolumeId?.()].filter((v): v is string => typeof v === 'string');
  const volumeIds = ids.length ? ids : (viewport?.getActors?.() ?? []).map((a) => a.referencedId ?? a.uid ?? '').filter(Boolean);
  const volume = volumeIds
    .map((id) => core().cache.getVolume(id))
    .find((v): v is CsVolume => v !== undefined && v.volumeId.includes(displaySet.displaySetInstanceUID));
  const anyVolume = volume ?? volumeIds.map((id) => core().cache.getVolume(id)).find((v): v is CsVolume => v !== undefined);
  if (!anyVolume) throw new Error('This viewport shows single images, not a volume: use the MPR layout (axial/sagittal/coronal) to segment');
  if (anyVolume.loadStatus && anyVolume.loadStatus.loaded === false) throw new Error('The CT volume is still loading; try again when all slices are in');
  return { displaySet, volume: anyVolume, geometry: geometryOfVolume(anyVolume) };
}

/** Patient geometry of a Cornerstone volume (direction rows = i, j, k axes; origin = centre of voxel 0). */
export function geometryOfVolume(volume: CsVolume): VolumeGeometry {
  const d = Array.from(volume.direction);
  const dims = Array.from(volume.dimensions);
  const sp = Array.from(volume.spacing);
  const o = Array.from(volume.origin);
  return {
    dimensions: [dims[0], dims[1], dims[2]],
    spacingMm: [sp[0], sp[1], sp[2]],
    originMm: [o[0], o[1], o[2]],
    direction: [
      [d[0], d[1], d[2]],
      [d[3], d[4], d[5]],
      [d[6], d[7], d[8]],
    ],
    frameOfReferenceUID: volume.metadata?.FrameOfReferenceUID,
  };
}

/** A copy of the CT voxels in HU (safe to transfer to a worker). */
export function copyCtVoxels(volume: CsVolume): Float32Array | Int16Array {
  const src = volume.voxelManager.getCompleteScalarDataArray();
  if (src instanceof Int16Array) return src.slice();
  return Float32Array.from(src);
}

/** Image Position/Orientation (Patient) of every slice of the volume, in volume order. */
export function slicePlanes(volume: CsVolume): Array<{ positionMm: Vec3; rowCosines: Vec3; columnCosines: Vec3 } | undefined> {
  return volume.imageIds.map((imageId) => {
    const plane = core().metaData.get('imagePlaneModule', imageId) as
      | { imagePositionPatient?: number[]; rowCosines?: number[]; columnCosines?: number[] }
      | undefined;
    const p = plane?.imagePositionPatient;
    const r = plane?.rowCosines;
    const c = plane?.columnCosines;
    if (!p || !r || !c) return undefined;
    return { positionMm: [p[0], p[1], p[2]], rowCosines: [r[0], r[1], r[2]], columnCosines: [c[0], c[1], c[2]] };
  });
}

/** OHIF's naturalized instance metadata of an image (DICOM keywords). */
export function instanceOf(imageId: string): Record<string, unknown> | undefined {
  return core().metaData.get('instance', imageId) as Record<string, unknown> | undefined;
}

/** Viewport ids currently showing the display set. */
export function viewportsShowing(displaySetInstanceUID: string): string[] {
  const state = services().viewportGridService?.getState();
  if (!state) return [];
  return [...state.viewports.values()].filter((v) => v.displaySetInstanceUIDs?.includes(displaySetInstanceUID)).map((v) => v.viewportId);
}

/**
 * The labelmap of a segmentation as slice arrays in CT volume order (k), matched through each labelmap image's
 * referenced CT image. Writes to these arrays change the segmentation in place; call {@link labelmapModified}.
 */
export interface LabelmapSlices {
  nx: number;
  ny: number;
  slices: Array<{ [i: number]: number; length: number }>;
}

export function labelmapSlices(segmentationId: string, volume: CsVolume): LabelmapSlices {
  const seg = tools().segmentation.state.getSegmentation(segmentationId);
  if (!seg) throw new Error(`segmentation ${segmentationId} no longer exists`);
  const fromState = seg.representationData.Labelmap?.imageIds;
  const fromHelper = tools().segmentation.getLabelmapImageIds?.(segmentationId);
  const imageIds = fromState ?? (Array.isArray(fromHelper) ? fromHelper : fromHelper ? [fromHelper] : []);
  const refIds = seg.representationData.Labelmap?.referencedImageIds ?? [];
  const kOf = new Map(volume.imageIds.map((id, k) => [id, k]));
  const [nx, ny, nz] = Array.from(volume.dimensions);
  const slices = new Array<{ [i: number]: number; length: number }>(nz);
  imageIds.forEach((imageId, i) => {
    const image = core().cache.getImage(imageId);
    if (!image) return;
    const ref = image.referencedImageId ?? refIds[i];
    const k = ref === undefined ? undefined : kOf.get(ref);
    if (k === undefined) return;
    const data = image.voxelManager?.getScalarData() ?? image.getPixelData?.();
    if (data && data.length === nx * ny) slices[k] = data;
  });
  for (let k = 0; k < nz; k++) {
    if (!slices[k]) throw new Error(`the labelmap has no image for CT slice ${k + 1}: it does not match this CT volume`);
  }
  return { nx, ny, slices };
}

/** Tells Cornerstone the labelmap voxels changed (re-renders every viewport showing it). */
export function labelmapModified(segmentationId: string): void {
  tools().segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
}

/** DICOMweb roots of the active OHIF data source and the user's Authorization header. */
export function activeDicomweb(): { wadoRoot: string; qidoRoot?: string; headers: () => Record<string, string> } {
  const em = getHostContext().extensionManager as unknown as { getActiveDataSource?(): Array<{ getConfig?(): Record<string, unknown> }> };
  const config = em.getActiveDataSource?.()?.[0]?.getConfig?.() ?? {};
  const wadoRoot = typeof config.wadoRoot === 'string' ? config.wadoRoot : undefined;
  if (!wadoRoot) throw new Error('The active data source is not DICOMweb (no wadoRoot): cannot save to the PACS');
  return {
    wadoRoot,
    qidoRoot: typeof config.qidoRoot === 'string' ? config.qidoRoot : undefined,
    headers: () => {
      const h = services().userAuthenticationService?.getAuthorizationHeader?.();
      const out: Record<string, string> = {};
      if (h) for (const [k, v] of Object.entries(h)) if (typeof v === 'string' && v) out[k] = v;
      return out;
    },
  };
}
