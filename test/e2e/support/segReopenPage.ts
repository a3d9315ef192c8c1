/** Helpers for the SEG reopen end-to-end test: labelmap voxels of our segmentation read in the page. */
import type { Page } from 'playwright-core';
import type { World } from './segmentationPage';

/**
 * Value of the "PVPI vertebrae" labelmap at a patient point (mm): the axial viewport's CT volume maps the point
 * to a voxel (host Cornerstone `transformWorldToIndex`), the labelmap image referencing that CT slice gives the value.
 * Undefined when there is no such segmentation or slice.
 */
export async function labelmapValueAt(page: Page, world: World, viewportId = 'mpr-axial', segmentationLabel = 'PVPI vertebrae'): Promise<number | undefined> {
  return page.evaluate(
    ({ w, id, label }) => {
      interface Img {
        referencedImageId?: string;
        voxelManager?: { getScalarData(): ArrayLike<number> };
      }
      interface Vol {
        imageIds: string[];
        dimensions: number[];
        imageData: unknown;
      }
      const win = window as unknown as {
        cornerstone: {
          getRenderingEngines(): Array<{ getViewport(v: string): { getAllVolumeIds?(): string[] } | undefined }>;
          cache: { getVolume(v: string): Vol | undefined; getImage(v: string): Img | undefined };
          utilities: { transformWorldToIndex(imageData: unknown, p: number[]): number[] };
        };
        services: { segmentationService: { getSegmentations(): Array<{ label: string; representationData: { Labelmap?: { imageIds?: string[] } } }> } };
      };
      const cs = win.cornerstone;
      const seg = win.services.segmentationService.getSegmentations().find((s) => s.label === label);
      const volumeId = cs.getRenderingEngines()[0]?.getViewport(id)?.getAllVolumeIds?.()[0];
      const vol = volumeId ? cs.cache.getVolume(volumeId) : undefined;
      if (!seg || !vol) return undefined;
      const [i, j, k] = cs.utilities.transformWorldToIndex(vol.imageData, w).map(Math.round);
      const ref = vol.imageIds[k];
      for (const imageId of seg.representationData.Labelmap?.imageIds ?? []) {
        const img = cs.cache.getImage(imageId);
        if (img?.referencedImageId !== ref) continue;
        const data = img.voxelManager?.getScalarData();
        return data ? data[i + vol.dimensions[0] * j] : undefined;
      }
      return undefined;
    },
    { w: world, id: viewportId, label: segmentationLabel },
  );
}
