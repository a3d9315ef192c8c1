import type { CommandsManager, ExtensionManager, ServicesManager } from './ohifTypes';

/** The OHIF managers of the running viewer, captured once in `preRegistration`. */
export interface HostContext {
  servicesManager: ServicesManager;
  commandsManager: CommandsManager;
  extensionManager: ExtensionManager;
}

let current: HostContext | undefined;

/** Stores the host managers (called by the extension's preRegistration). */
export function setHostContext(context: HostContext): void {
  current = context;
}

/** The host managers; throws if the extension was not registered by OHIF yet. */
export function getHostContext(): HostContext {
  if (!current) throw new Error('PVPI extension used before OHIF registered it (preRegistration has not run)');
  return current;
}

/** The host managers, or undefined before registration (for code that can wait). */
export function peekHostContext(): HostContext | undefined {
  return current;
}
