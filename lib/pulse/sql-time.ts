// DATETIME(3) literals for raw SQL. Prisma keeps DateTime columns as UTC wall-clock time; binding a
// formatted UTC string (rather than a Date, which the driver may shift into the session's time
// zone) keeps raw queries and Prisma's own reads in agreement.
export const sqlTime = (ms: number | Date) =>
  new Date(ms).toISOString().replace("T", " ").replace("Z", "");
