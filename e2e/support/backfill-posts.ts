/** Posts about "heatwave" the Bluesky search stand-in holds within the last day (bluesky-search-server.ts). */
export const BACKFILL_POSTS = 6;
