/**
 * Tissue classes of the phantom and their nominal CT numbers (HU), typical adult values at 120 kVp
 * (e.g. cortical bone 1000–1500 HU, vertebral cancellous bone 150–300 HU, disc ~80 HU, muscle ~50 HU, fat ~−100 HU,
 * CSF ~5 HU, cord ~35 HU, osteolytic metastasis 20–60 HU).
 */
export const Tissue = {
  Air: 0,
  Skin: 1,
  Fat: 2,
  Muscle: 3,
  Viscera: 4,
  Blood: 5,
  Disc: 6,
  CorticalBone: 7,
  CancellousBone: 8,
  Lesion: 9,
  Csf: 10,
  Cord: 11,
  EpiduralFat: 12,
} as const;
export type TissueClass = (typeof Tissue)[keyof typeof Tissue];

/** Nominal HU of each tissue class (index = class). */
export const TISSUE_HU: Readonly<Record<keyof typeof Tissue, number>> = {
  Air: -1000,
  Skin: 30,
  Fat: -100,
  Muscle: 50,
  Viscera: 40,
  Blood: 40,
  Disc: 80,
  CorticalBone: 1250,
  CancellousBone: 230,
  Lesion: 40,
  Csf: 5,
  Cord: 35,
  EpiduralFat: -90,
};

/** HU per tissue class value, as an array indexed by the class number. */
export function tissueHuTable(hu: Readonly<Record<keyof typeof Tissue, number>> = TISSUE_HU): Float32Array {
  const table = new Float32Array(Object.keys(Tissue).length);
  for (const [name, value] of Object.entries(Tissue)) table[value] = hu[name as keyof typeof Tissue];
  return table;
}
