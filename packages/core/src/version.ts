/** The version of @brisk/core, checked against each plugin's `core` range (kept equal to package.json by a test). */
export const VERSION = '26.11.0'
