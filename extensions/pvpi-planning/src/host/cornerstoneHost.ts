/**
 * Lazy access to the host viewer's Cornerstone3D instances.
 *
 * OHIF's cornerstone extension sets `window.cornerstone` (@cornerstonejs/core) and `window.cornerstoneTools`
 * (@cornerstonejs/tools) when its module loads, which is before any extension's `preRegistration` runs, but
 * not necessarily before OUR bundle is evaluated (OHIF imports all extension bundles in parallel). So nothing
 * here reads the globals at import time: call the getters from preRegistration, commands, tools or panels.
 * Bundling our own copy of Cornerstone would create a second rendering engine and tool state, invisible to
 * OHIF; always go through these getters (webpack config forbids importing @cornerstonejs/* at runtime).
 *
 * Tool classes that extend Cornerstone base classes (e.g. AnnotationTool) must therefore be created by a
 * factory that receives `getCornerstoneTools()`, called at registration time.
 */

/** The subset of @cornerstonejs/core we use, typed structurally (extend as features need more). */
export interface CornerstoneCore {
  getRenderingEngines(): unknown[];
  getEnabledElement(element: HTMLElement): unknown;
  metaData: { get(type: string, imageId: string): unknown };
  Enums: Record<string, unknown>;
  [name: string]: unknown;
}

/** The subset of @cornerstonejs/tools we use. */
export interface CornerstoneTools {
  addTool(toolClass: unknown): void;
  ToolGroupManager: { getToolGroup(id: string): unknown };
  Enums: Record<string, unknown>;
  [name: string]: unknown;
}

interface CornerstoneGlobals {
  cornerstone?: CornerstoneCore;
  cornerstoneTools?: CornerstoneTools;
}

function globals(): CornerstoneGlobals {
  return globalThis as unknown as CornerstoneGlobals;
}

/** True when the host's Cornerstone core and tools are available. */
export function hasCornerstone(): boolean {
  return globals().cornerstone !== undefined && globals().cornerstoneTools !== undefined;
}

/** The host's @cornerstonejs/core module; throws a clear error if OHIF's cornerstone extension is not loaded. */
export function getCornerstone(): CornerstoneCore {
  const cs = globals().cornerstone;
  if (!cs) throw new Error('window.cornerstone is not set: the OHIF cornerstone extension must be loaded before PVPI uses Cornerstone');
  return cs;
}

/** The host's @cornerstonejs/tools module; throws a clear error if OHIF's cornerstone extension is not loaded. */
export function getCornerstoneTools(): CornerstoneTools {
  const cst = globals().cornerstoneTools;
  if (!cst) throw new Error('window.cornerstoneTools is not set: the OHIF cornerstone extension must be loaded before PVPI uses Cornerstone tools');
  return cst;
}
