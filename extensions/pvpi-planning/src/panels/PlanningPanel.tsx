import type { ReactNode } from 'react';
import { useViewerSelection } from '../host/useHostServices';
import type { DisplaySet } from '../host/ohifTypes';
import { SegmentationSection } from '../segmentation/SegmentationSection';
import { DoseSection, PlanHeaderSection } from '../dose/DoseSection';
import { NeedlesSection } from '../needles/NeedlesSection';
import { SeedsSection } from '../seeds/SeedsSection';
import { colors, headingStyle, mutedStyle, panelStyle, sectionStyle } from './theme';

/** A titled block of the planning panel; later issues replace the placeholders with their views. */
export function PanelSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section data-pvpi-section={id} style={sectionStyle} aria-label={title}>
      <h3 style={headingStyle}>{title}</h3>
      <div style={{ marginTop: 4 }}>{children}</div>
    </section>
  );
}

function shortUid(uid: string | undefined): string {
  if (!uid) return '—';
  return uid.length > 24 ? `…${uid.slice(-20)}` : uid;
}

function imageCount(ds: DisplaySet): number | undefined {
  return ds.numImageFrames ?? ds.instances?.length;
}

/** Study and series shown in the active viewport. */
export function SeriesInView({ displaySets }: { displaySets: DisplaySet[] }) {
  if (displaySets.length === 0) return <p style={mutedStyle}>No series in the active viewport yet.</p>;
  return (
    <dl data-pvpi="series-in-view" style={{ margin: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '2px 8px' }}>
      {displaySets.map((ds) => (
        <SeriesRows key={ds.displaySetInstanceUID} ds={ds} />
      ))}
    </dl>
  );
}

function SeriesRows({ ds }: { ds: DisplaySet }) {
  const count = imageCount(ds);
  return (
    <>
      <dt style={mutedStyle}>Study</dt>
      <dd style={{ margin: 0 }} title={ds.StudyInstanceUID} data-pvpi="study-uid">
        {shortUid(ds.StudyInstanceUID)}
      </dd>
      <dt style={mutedStyle}>Series</dt>
      <dd style={{ margin: 0 }} title={ds.SeriesInstanceUID} data-pvpi="series-uid">
        {ds.Modality ?? '?'} {ds.SeriesNumber !== undefined ? `#${ds.SeriesNumber}` : ''} {ds.SeriesDescription ?? ''}
        {count !== undefined ? ` (${count} images)` : ''}
      </dd>
    </>
  );
}

/** The PVPI planning panel (right side of our mode). */
export function PlanningPanel() {
  const { displaySets } = useViewerSelection();
  return (
    <div data-testid="pvpi-planning-panel" style={panelStyle}>
      <header>
        <h2 style={{ margin: 0, fontSize: 15, fontWeight: 600, color: colors.foreground }}>PVPI planning</h2>
        <p style={{ ...mutedStyle, margin: '2px 0 0' }}>Vertebroplasty + I-125 seed implantation. Investigational use only.</p>
      </header>
      <PanelSection id="in-view" title="In view">
        <SeriesInView displaySets={displaySets} />
      </PanelSection>
      <PanelSection id="plan" title="Plan">
        <PlanHeaderSection />
      </PanelSection>
      <PanelSection id="segmentation" title="Segmentation">
        <SegmentationSection />
      </PanelSection>
      <PanelSection id="needles" title="Needles">
        <NeedlesSection />
      </PanelSection>
      <PanelSection id="seeds" title="Seeds">
        <SeedsSection />
      </PanelSection>
      <PanelSection id="dose" title="Dose">
        <DoseSection />
      </PanelSection>
    </div>
  );
}
