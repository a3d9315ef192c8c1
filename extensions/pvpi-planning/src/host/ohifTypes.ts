/**
 * The small part of the OHIF runtime API this extension relies on, typed structurally.
 * We do not depend on @ohif/core at build time (it is the host's, loaded at runtime); these interfaces
 * document exactly what we call, so an OHIF upgrade that changes them is found by reading this one file.
 */

/** A subscription returned by OHIF pub/sub services. */
export interface Subscription {
  unsubscribe(): void;
}

/** Common shape of OHIF pub/sub services (`EVENTS` map + subscribe). */
export interface PubSubService {
  EVENTS: Record<string, string>;
  subscribe(eventName: string, callback: (payload: unknown) => void): Subscription;
}

/** @ohif/core ViewportGridService (the parts we use). */
export interface ViewportGridService extends PubSubService {
  getActiveViewportId(): string | undefined;
  getDisplaySetsUIDsForViewport(viewportId: string): string[] | undefined;
}

/** An OHIF display set (the fields we read). */
export interface DisplaySet {
  displaySetInstanceUID: string;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  SeriesDescription?: string;
  SeriesNumber?: number | string;
  Modality?: string;
  numImageFrames?: number;
  instances?: unknown[];
  isReconstructable?: boolean;
}

/** @ohif/core DisplaySetService (the parts we use). */
export interface DisplaySetService extends PubSubService {
  getDisplaySetByUID(displaySetInstanceUID: string): DisplaySet | undefined;
  getActiveDisplaySets(): DisplaySet[];
}

/** @ohif/core UINotificationService (the parts we use). */
export interface UINotificationService {
  show(options: { title: string; message: string; type?: 'info' | 'success' | 'warning' | 'error'; duration?: number }): void;
}

/** The services we use, all optional: a service missing from a future OHIF degrades our UI, not the viewer. */
export interface PvpiServices {
  viewportGridService?: ViewportGridService;
  displaySetService?: DisplaySetService;
  uiNotificationService?: UINotificationService;
  [name: string]: unknown;
}

/** @ohif/core ServicesManager. */
export interface ServicesManager {
  services: PvpiServices;
}

/** @ohif/core CommandsManager. */
export interface CommandsManager {
  runCommand(commandName: string, options?: Record<string, unknown>, contextName?: string): unknown;
}

/** @ohif/core ExtensionManager. */
export interface ExtensionManager {
  getModuleEntry(id: string): unknown;
  registeredExtensionIds: string[];
}

/** What OHIF passes to `preRegistration` and to every `get…Module` function of an extension. */
export interface ExtensionParams {
  servicesManager: ServicesManager;
  commandsManager: CommandsManager;
  extensionManager: ExtensionManager;
  configuration?: Record<string, unknown>;
  appConfig?: Record<string, unknown>;
}
