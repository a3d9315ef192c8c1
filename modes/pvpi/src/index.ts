/**
 * @pvpi/mode-pvpi: the OHIF mode "Vertebroplasty + I-125 seed planning", served at /pvpi?StudyInstanceUIDs=….
 *
 * Default export follows OHIF 3.13's mode shape `{ id, modeFactory, extensionDependencies, customizations }`;
 * OHIF calls `modeFactory({ modeConfiguration })` once at start-up and uses the returned mode instance.
 */
import { PANEL_IDS } from '@pvpi/extension-pvpi-planning/src/id';
import { SEGMENTATION_BUTTON_IDS, SEGMENT_VERTEBRA_TOOL } from '@pvpi/extension-pvpi-planning/src/segmentation/ids';
import { segmentationToolbarButtons } from '@pvpi/extension-pvpi-planning/src/segmentation/toolbarButtons';
import { RTPLAN_SOP_CLASS_HANDLER_ID, RTPLAN_VIEWPORT_ID } from '@pvpi/extension-pvpi-planning/src/rtplan/ids';
import { NEEDLE_TOOL, PLANNING_BUTTON_IDS, SEED_TOOL } from '@pvpi/extension-pvpi-planning/src/needles/ids';
import { planningToolbarButtons } from '@pvpi/extension-pvpi-planning/src/needles/toolbarButtons';
import { pvpiExtensionSpecifier } from './extensionSpecifiers';
import { DISPLAY_NAME, MODE_ID, ROUTE_NAME } from './id';
import { initToolGroups, type ToolEntry } from './initToolGroups';

/** Module ids of OHIF's built-in extensions we compose (all present in @ohif/app 3.13). */
const ohif = {
  layout: '@ohif/extension-default.layoutTemplateModule.viewerLayout',
  seriesList: '@ohif/extension-default.panelModule.seriesList',
  stackSopClassHandler: '@ohif/extension-default.sopClassHandlerModule.stack',
  cornerstoneViewport: '@ohif/extension-cornerstone.viewportModule.cornerstone',
  // OHIF's segmentation panel with its labelmap toolbox (Brush / Eraser / Threshold).
  segmentationPanel: '@ohif/extension-cornerstone.panelModule.panelSegmentationWithToolsLabelMap',
  segSopClassHandler: '@ohif/extension-cornerstone-dicom-seg.sopClassHandlerModule.dicom-seg',
  segViewport: '@ohif/extension-cornerstone-dicom-seg.viewportModule.dicom-seg',
} as const;

/**
 * Hanging protocol: OHIF's 'mpr' (axial, sagittal, coronal reformats of the CT volume side by side): the sagittal
 * view is where a spine is read and needles are planned. Needs a reconstructable series (a regular CT is);
 * `?hangingprotocolId=default` in the URL gives the single stack viewport instead. A spine-specific protocol
 * (e.g. with an oblique bull's-eye viewport) can replace it when the planning tools arrive.
 */
export const HANGING_PROTOCOL = 'mpr';

/** Extensions this mode needs; keys are what OHIF imports (built-in names, or our bundle's URL). */
export function extensionDependencies(): Record<string, string> {
  return {
    '@ohif/extension-default': '^3.0.0',
    '@ohif/extension-cornerstone': '^3.0.0',
    '@ohif/extension-cornerstone-dicom-seg': '^3.0.0',
    [pvpiExtensionSpecifier()]: '^0.1.0',
  };
}

interface Services {
  measurementService?: { clearMeasurements(): void };
  toolbarService?: { register(buttons: unknown[]): void; updateSection(key: string, buttonIds: unknown): void };
  toolGroupService?: Parameters<typeof initToolGroups>[0]['toolGroupService'] & { destroy(): void };
  customizationService?: { getCustomization(id: string): unknown };
  syncGroupService?: { destroy(): void };
  segmentationService?: { destroy(): void };
  cornerstoneViewportService?: { destroy(): void };
  uiDialogService?: { hideAll?(): void };
  uiModalService?: { hide(): void };
}

interface ModeContext {
  servicesManager: { services: Services };
  extensionManager: { getModuleEntry(id: string): unknown };
  commandsManager: unknown;
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Segmentation tools for the 'default' and 'mpr' groups: OHIF's labelmap editing tools + our click tool. */
function segmentationTools({ customizationService }: Services): ToolEntry[] {
  const pack = customizationService?.getCustomization('cornerstone.segmentationTools') as { passive?: ToolEntry[] } | undefined;
  const brushes: ToolEntry[] = pack?.passive ?? [
    { toolName: 'CircularBrush', parentTool: 'Brush', configuration: { activeStrategy: 'FILL_INSIDE_CIRCLE' } },
    { toolName: 'CircularEraser', parentTool: 'Brush', configuration: { activeStrategy: 'ERASE_INSIDE_CIRCLE' } },
    { toolName: 'ThresholdCircularBrush', parentTool: 'Brush', configuration: { activeStrategy: 'THRESHOLD_INSIDE_CIRCLE' } },
  ];
  return [...brushes, { toolName: SEGMENT_VERTEBRA_TOOL }, { toolName: NEEDLE_TOOL }, { toolName: SEED_TOOL }];
}

/** Registers the toolbar from the mode's resolved `toolbarButtons` / `toolbarSections` customizations. */
function registerToolbar({ toolbarService, customizationService }: Services): void {
  if (!toolbarService || !customizationService) return;
  toolbarService.register(toArray(customizationService.getCustomization('toolbarButtons')));
  const sections = Object.assign({}, ...toArray(customizationService.getCustomization('toolbarSections'))) as Record<string, unknown>;
  for (const [key, buttonIds] of Object.entries(sections)) toolbarService.updateSection(key, buttonIds);
}

/** The mode instance OHIF routes to. */
export function createModeInstance() {
  return {
    id: MODE_ID,
    routeName: ROUTE_NAME,
    displayName: DISPLAY_NAME,

    // Toolbar composition, seeded by OHIF's mode route into the mode customization scope on enter (3.13):
    // the cornerstone extension's button definitions and layout, with our primary section.
    // Segmentation: OHIF's labelmap editing buttons (Brush, Eraser, Threshold in the segmentation panel's
    // toolbox) and our Segment vertebra / Segment lesion / Level labels buttons in the primary bar.
    toolbarButtons: [{ $reference: 'cornerstone.toolbarButtons' }, { $reference: 'cornerstone.segmentationToolbarButtons' }, ...segmentationToolbarButtons, ...planningToolbarButtons],
    toolbarSections: [
      { $reference: 'cornerstone.toolbarSections' },
      { $reference: 'cornerstone.segmentationToolbarSections' },
      {
        primary: [
          'WindowLevel', 'Pan', 'Zoom', 'TrackballRotate', 'Capture', 'Layout', 'Crosshairs', 'MeasurementTools',
          SEGMENTATION_BUTTON_IDS.segmentVertebra, SEGMENTATION_BUTTON_IDS.segmentLesion, SEGMENTATION_BUTTON_IDS.levelLabels,
          PLANNING_BUTTON_IDS.needle, PLANNING_BUTTON_IDS.suggestTrajectory, PLANNING_BUTTON_IDS.bullsEye, PLANNING_BUTTON_IDS.seed,
          'MoreTools',
        ],
        LabelMapTools: ['BrushTools'],
      },
    ],

    onModeEnter({ servicesManager, extensionManager }: ModeContext): void {
      const services = servicesManager.services;
      services.measurementService?.clearMeasurements();
      if (services.toolGroupService) {
        initToolGroups({ extensionManager, toolGroupService: services.toolGroupService, additionalPassive: segmentationTools(services) });
      }
      registerToolbar(services);
    },

    onModeExit({ servicesManager }: ModeContext): void {
      const s = servicesManager.services;
      s.uiDialogService?.hideAll?.();
      s.uiModalService?.hide();
      s.toolGroupService?.destroy();
      s.syncGroupService?.destroy();
      s.segmentationService?.destroy();
      s.cornerstoneViewportService?.destroy();
    },

    validationTags: { study: [], series: [] },

    /** Valid for studies with a CT series (the planning needs CT Hounsfield units). */
    isValidMode({ modalities }: { modalities: string }) {
      const list = (modalities ?? '').split('\\');
      const valid = list.includes('CT');
      return { valid, description: valid ? 'CT study' : 'Vertebroplasty + seed planning needs a CT series' };
    },

    routes: [
      {
        path: ROUTE_NAME,
        layoutTemplate: () => ({
          id: ohif.layout,
          props: {
            leftPanels: [ohif.seriesList],
            leftPanelResizable: true,
            rightPanels: [PANEL_IDS.planning, ohif.segmentationPanel],
            rightPanelClosed: false,
            rightPanelResizable: true,
            viewports: [
              { namespace: ohif.cornerstoneViewport, displaySetsToDisplay: [ohif.stackSopClassHandler] },
              { namespace: ohif.segViewport, displaySetsToDisplay: [ohif.segSopClassHandler] },
              // RT Plans (ours and other systems'): opening one loads its seeds (and our needles) into the plan.
              { namespace: RTPLAN_VIEWPORT_ID, displaySetsToDisplay: [RTPLAN_SOP_CLASS_HANDLER_ID] },
            ],
          },
        }),
      },
    ],

    extensions: extensionDependencies(),
    hangingProtocol: HANGING_PROTOCOL,
    sopClassHandlers: [ohif.segSopClassHandler, RTPLAN_SOP_CLASS_HANDLER_ID, ohif.stackSopClassHandler],
  };
}

/** The mode instance type. */
export type PvpiModeInstance = ReturnType<typeof createModeInstance>;

const mode = {
  id: MODE_ID,
  /** Builds the instance; `modeConfiguration` (app-config `modesConfiguration[id]`) overrides top-level keys. */
  modeFactory({ modeConfiguration }: { modeConfiguration?: Partial<PvpiModeInstance> } = {}): PvpiModeInstance {
    return { ...createModeInstance(), ...(modeConfiguration ?? {}) };
  },
  extensionDependencies: extensionDependencies(),
};

export default mode;
