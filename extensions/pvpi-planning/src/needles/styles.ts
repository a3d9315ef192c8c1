import type { CSSProperties } from 'react';
import { colors } from '../panels/theme';

export const buttonStyle: CSSProperties = {
  background: 'transparent',
  color: colors.highlight,
  border: `1px solid ${colors.border}`,
  borderRadius: 4,
  padding: '1px 6px',
  fontSize: 12,
  cursor: 'pointer',
};

export const rowStyle: CSSProperties = { borderTop: `1px solid ${colors.border}`, paddingTop: 4, marginTop: 4 };
export const errorStyle: CSSProperties = { color: 'rgb(255, 110, 110)', fontSize: 12, margin: '4px 0' };
export const infoStyle: CSSProperties = { color: colors.foreground, fontSize: 12, margin: '4px 0' };
