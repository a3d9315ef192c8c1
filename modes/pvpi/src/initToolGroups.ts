import { TOOL_GROUP_IDS } from '@pvpi/extension-pvpi-planning/src/id';

/** The parts of OHIF's cornerstone utility module (`@ohif/extension-cornerstone.utilityModule.tools`) we use. */
interface CornerstoneToolsUtility {
  exports: {
    toolNames: Record<string, string>;
    Enums: { MouseBindings: Record<string, number>; KeyboardBindings: Record<string, number> };
  };
}

interface ToolGroupService {
  createToolGroupAndAddTools(toolGroupId: string, tools: ToolBlocks): unknown;
}

/** One tool of a tool group (OHIF's format; `parentTool` makes a configured instance of another tool). */
export interface ToolEntry {
  toolName: string;
  parentTool?: string;
  bindings?: Array<Record<string, number>>;
  configuration?: Record<string, unknown>;
}

/** Tools of a tool group by state (OHIF's `createToolGroupAndAddTools` format). */
export interface ToolBlocks {
  active?: ToolEntry[];
  passive?: ToolEntry[];
  enabled?: ToolEntry[];
  disabled?: ToolEntry[];
}

interface Params {
  extensionManager: { getModuleEntry(id: string): unknown };
  toolGroupService: ToolGroupService;
  /** Extra passive tools for the 'default' and 'mpr' groups (segmentation editing, our click tool). */
  additionalPassive?: ToolEntry[];
}

/** Navigation tools every viewport has: W/L on left drag, pan on middle, zoom on right, scroll on the wheel. */
function navigationTools(names: Record<string, string>, mouse: Record<string, number>): ToolEntry[] {
  return [
    { toolName: names.WindowLevel, bindings: [{ mouseButton: mouse.Primary }] },
    { toolName: names.Pan, bindings: [{ mouseButton: mouse.Auxiliary }] },
    { toolName: names.Zoom, bindings: [{ mouseButton: mouse.Secondary }, { numTouchPoints: 2 }] },
    { toolName: names.StackScroll, bindings: [{ mouseButton: mouse.Wheel }, { numTouchPoints: 3 }] },
  ];
}

/** Measurement tools available from the toolbar (passive until selected). */
function measurementTools(names: Record<string, string>): ToolEntry[] {
  return ['Length', 'Bidirectional', 'Probe', 'EllipticalROI', 'RectangleROI', 'CircleROI', 'Angle', 'CobbAngle', 'WindowLevelRegion', 'Magnify', 'PlanarRotate']
    .map((key) => names[key])
    .filter((name): name is string => typeof name === 'string')
    .map((toolName) => ({ toolName }));
}

/**
 * Creates the tool groups the mode's toolbar buttons address ('default' for stack viewports, 'mpr' for the
 * orthogonal reformats, 'volume3d'). Later issues add the needle and seed tools to 'default' and 'mpr'.
 */
export function initToolGroups({ extensionManager, toolGroupService, additionalPassive = [] }: Params): void {
  const utility = extensionManager.getModuleEntry('@ohif/extension-cornerstone.utilityModule.tools') as CornerstoneToolsUtility | undefined;
  if (!utility) throw new Error('PVPI mode needs @ohif/extension-cornerstone (its tools utility module is missing)');
  const { toolNames: names, Enums } = utility.exports;
  const mouse = Enums.MouseBindings;

  toolGroupService.createToolGroupAndAddTools(TOOL_GROUP_IDS.default, {
    active: navigationTools(names, mouse),
    passive: [...measurementTools(names), ...additionalPassive],
    enabled: [{ toolName: names.ReferenceLines }].filter((t) => t.toolName),
  });

  toolGroupService.createToolGroupAndAddTools(TOOL_GROUP_IDS.mpr, {
    active: navigationTools(names, mouse),
    passive: [...measurementTools(names), ...additionalPassive],
    disabled: [
      {
        toolName: names.Crosshairs,
        // Shift + left drag, so crosshairs coexist with W/L on the plain left button.
        bindings: [{ mouseButton: mouse.Primary, modifierKey: Enums.KeyboardBindings.Shift }],
        configuration: { viewportIndicators: true, autoPan: { enabled: false, panSize: 10 } },
      },
      { toolName: names.ReferenceLines },
    ],
  });

  toolGroupService.createToolGroupAndAddTools(TOOL_GROUP_IDS.volume3d, {
    active: [
      { toolName: names.TrackballRotateTool, bindings: [{ mouseButton: mouse.Primary }] },
      { toolName: names.Zoom, bindings: [{ mouseButton: mouse.Secondary }, { numTouchPoints: 2 }] },
      { toolName: names.Pan, bindings: [{ mouseButton: mouse.Auxiliary }] },
    ],
  });
}
