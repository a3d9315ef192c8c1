/**
 * Bridge between the host viewer's React and our own bundled React.
 *
 * OHIF renders a panel module's `component` with ITS React (`createElement(tab.content, { key })`), and does
 * not expose that React to runtime-loaded extensions. Our bundle carries its own React 18 (same version as
 * OHIF 3.13: 18.3.1). Two React copies cannot share hooks or context, but they do share:
 *   - class components: a class whose prototype has `isReactComponent` is instantiated and driven by whichever
 *     React renders it (the host sets the instance's updater); it calls no hook, so no dispatcher is involved;
 *   - element objects: React 18 marks elements with the global `Symbol.for('react.element')`, so an element
 *     describing a plain `<div>` created by our React is accepted by the host's React.
 * So the component we give OHIF is a small class that renders one `<div>` (created and owned by the host) and,
 * in its lifecycle methods, mounts/updates/unmounts a React root of OUR React inside that div. Everything
 * inside (hooks, state, context) belongs to our React. If OHIF moves to React 19 (different element symbol),
 * rebuild this bundle with the matching React version; nothing else here changes.
 */
import { Component, createElement, type ComponentType, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

/** Props the host passes to a panel component (OHIF passes none today; forwarded if it ever does). */
export type HostProps = Record<string, unknown>;

/**
 * Wraps a component of our React so the host's React can render it.
 * @param name stable name (used for displayName and the `data-pvpi-host` attribute)
 * @param render builds our React element from the host props; called on mount and on every host update
 */
export function createHostComponent(name: string, render: (hostProps: HostProps) => ReactElement): ComponentType<HostProps> {
  class PvpiHostBridge extends Component<HostProps> {
    static displayName = `PvpiHostBridge(${name})`;
    private container: HTMLDivElement | null = null;
    private root: Root | null = null;

    // Stable callback ref: the host React calls it with the div it created (and with null on unmount).
    private readonly setContainer = (element: HTMLDivElement | null): void => {
      this.container = element;
    };

    override componentDidMount(): void {
      if (!this.container) return;
      this.root = createRoot(this.container, { identifierPrefix: `pvpi-${name}-` });
      this.root.render(render(this.props));
    }

    override componentDidUpdate(): void {
      this.root?.render(render(this.props));
    }

    override componentWillUnmount(): void {
      const root = this.root;
      this.root = null;
      // Unmount after the host's commit finishes (unmounting a root during another root's commit is not allowed
      // when both are the same React, e.g. in an OHIF source build that dedupes React).
      if (root) setTimeout(() => root.unmount(), 0);
    }

    override render(): ReactElement {
      // Created by our React, reconciled by the host's React: a plain element with a callback ref only.
      return createElement('div', {
        ref: this.setContainer,
        'data-pvpi-host': name,
        style: { height: '100%', width: '100%', overflow: 'auto' },
      });
    }
  }
  return PvpiHostBridge;
}
