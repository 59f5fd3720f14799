// npm run build:language-data — packs ELD's "small" n-gram database (the eld package, Apache-2.0,
// © Nito T.M.) into lib/pulse/language/eld-small.bin, the ready-made tables
// lib/pulse/language/eld.ts scores with (layout in lib/pulse/language/eld-pack.ts). Re-run after
// upgrading eld; detect.test.ts checks the committed file is what this writes and that it
// detects exactly as eld.detect() does.
import { writeFileSync } from "node:fs";
import { packEld } from "@/lib/pulse/language/eld-pack";
import { DATA_FILE, readData } from "@/lib/pulse/language/eld";

const packed = await packEld();
writeFileSync(DATA_FILE, packed);
const data = readData(DATA_FILE);
console.log(
  `wrote ${DATA_FILE}: ${data.keyStart.length - 1} n-grams, ${data.codes.length} languages, ${packed.length} bytes`,
);
