/** Mode id (unique among the viewer's modes) and the URL segment it is served under. */
export const MODE_ID = '@pvpi/mode-pvpi';
export const ROUTE_NAME = 'pvpi';
export const DISPLAY_NAME = 'Vertebroplasty + I-125 seed planning';
