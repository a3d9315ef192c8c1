/** Geometry of the planning core: volumes, sub-voxel surfaces and needle-trajectory constraints (docs/trajectory.md). */
export * from './volume';
export * from './vec3';
export * from './volumeSampling';
export * from './subvoxelSurface';
export * from './skin';
export * from './levelAnatomy';
export * from './segLevels';
export * from './trajectory';
export * from './trajectorySuggest';
