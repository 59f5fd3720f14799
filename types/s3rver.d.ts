// @20minutes/s3rver ships no type declarations; scripts/s3-server.ts types the few parts it uses.
declare module "@20minutes/s3rver";
declare module "@20minutes/s3rver/lib/models/error";
declare module "@20minutes/s3rver/lib/models/account";
declare module "@20minutes/s3rver/lib/stores/filesystem";
