import type { CSSProperties } from 'react';

/** Colours from the host's ui-next theme (CSS variables holding HSL triplets), with fallbacks. */
export const colors = {
  foreground: 'hsl(var(--foreground, 0 0% 98%))',
  muted: 'hsl(var(--muted-foreground, 200 46% 65%))',
  highlight: 'hsl(var(--highlight, 191 74% 63%))',
  card: 'hsl(var(--muted, 234 64% 10%))',
  border: 'hsl(var(--input, 236 52% 30%))',
} as const;

export const panelStyle: CSSProperties = {
  color: colors.foreground,
  fontSize: 13,
  lineHeight: 1.4,
  padding: '8px 10px',
  display: 'flex',
  flexDirection: 'column',
  gap: 8,
};

export const sectionStyle: CSSProperties = {
  background: colors.card,
  border: `1px solid ${colors.border}`,
  borderRadius: 6,
  padding: '6px 8px',
};

export const headingStyle: CSSProperties = { margin: 0, fontSize: 13, fontWeight: 600, color: colors.highlight };
export const mutedStyle: CSSProperties = { color: colors.muted, fontSize: 12 };
