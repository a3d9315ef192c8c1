import { useEffect, useState } from 'react';
import { peekHostContext } from './hostContext';
import type { DisplaySet, PubSubService, PvpiServices } from './ohifTypes';

/** The OHIF services (empty object before registration). */
export function useServices(): PvpiServices {
  return peekHostContext()?.servicesManager.services ?? {};
}

/**
 * Re-renders when any of the named events of the given services fires; returns a counter that changes.
 * Unknown services/events are skipped, so a renamed event in a future OHIF only makes the view less live.
 */
export function useServiceEvents(subscriptions: Array<[PubSubService | undefined, string[]]>): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const subs = subscriptions.flatMap(([service, events]) =>
      service
        ? events
            .map((event) => service.EVENTS?.[event])
            .filter((name): name is string => typeof name === 'string')
            .map((name) => service.subscribe(name, () => setTick((t) => t + 1)))
        : [],
    );
    return () => subs.forEach((s) => s.unsubscribe());
    // The services are singletons of the running viewer: subscribe once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return tick;
}

/** What the active viewport shows: its display sets (study/series), updated live. */
export interface ViewerSelection {
  activeViewportId?: string;
  displaySets: DisplaySet[];
}

/** The display sets in the active viewport, following viewport and display-set changes. */
export function useViewerSelection(): ViewerSelection {
  const { viewportGridService, displaySetService } = useServices();
  useServiceEvents([
    [viewportGridService, ['ACTIVE_VIEWPORT_ID_CHANGED', 'GRID_STATE_CHANGED', 'VIEWPORTS_READY', 'LAYOUT_CHANGED']],
    [displaySetService, ['DISPLAY_SETS_ADDED', 'DISPLAY_SETS_CHANGED', 'DISPLAY_SETS_REMOVED']],
  ]);
  const activeViewportId = viewportGridService?.getActiveViewportId();
  const uids = activeViewportId ? viewportGridService?.getDisplaySetsUIDsForViewport(activeViewportId) ?? [] : [];
  const displaySets = uids
    .map((uid) => displaySetService?.getDisplaySetByUID(uid))
    .filter((ds): ds is DisplaySet => ds !== undefined);
  return { activeViewportId, displaySets };
}
