/** A number typed in a panel field: decimal comma or point, surrounding blanks ignored; NaN for blank or non-numeric. */
export function parseDecimalInput(text: string): number {
  const t = text.trim();
  return t === '' ? Number.NaN : Number(t.replace(',', '.'));
}
