// The hand-written migrations must build exactly the database schema.prisma describes: this is the check
// `prisma migrate diff` would give us if its engine could run here.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeQuietly, connect, migrate, parseDatabaseUrl } from "./migrate";
import { diffSchemas, expectedSchema, liveSchema, normaliseColumnType } from "./schema-drift";

const SCHEMA_PATH = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** A database of its own on the test server, so these tests never touch the shared test database. */
async function createThrowawayDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("DATABASE_URL is not set: run tests with `npm test`");
  const name = `stratus_drift_${randomBytes(6).toString("hex")}`;
  const admin = parseDatabaseUrl(base);
  const run = async (sql: string) => {
    const conn = await connect(admin);
    try {
      await conn.query(sql);
    } finally {
      await closeQuietly(conn);
    }
  };
  await run(`CREATE DATABASE \`${name}\``);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``) };
}

/** Rewrites one line of schema.prisma, failing if the line is not there (so the test cannot pass vacuously). */
function editSchema(text: string, pattern: RegExp, replacement: string): string {
  expect(text).toMatch(pattern);
  return text.replace(pattern, replacement);
}

describe("prisma/migrations against prisma/schema.prisma", () => {
  let db: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let schemaText: string;

  beforeAll(async () => {
    schemaText = await readFile(SCHEMA_PATH, "utf8");
    db = await createThrowawayDatabase();
    await migrate({ url: db.url, migrationsDir: MIGRATIONS_DIR });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("build the schema that schema.prisma describes", async () => {
    const differences = diffSchemas(await expectedSchema(schemaText), await liveSchema(db.url));
    expect(differences).toEqual([]);
  });

  it("would be caught missing a new field", async () => {
    const edited = editSchema(schemaText, /^(model User \{\n)/m, "$1  nickname String?\n");
    const differences = diffSchemas(await expectedSchema(edited), await liveSchema(db.url));
    expect(differences).toEqual([
      "User: column nickname varchar(191) NULL is missing from the database",
    ]);
  });

  it("would be caught with a changed type", async () => {
    const edited = editSchema(
      schemaText,
      /(\n\s+name\s+String\s+)@db\.VarChar\(100\)/,
      "$1@db.VarChar(120)",
    );
    const differences = diffSchemas(await expectedSchema(edited), await liveSchema(db.url));
    expect(differences).toEqual([
      "User: column name is varchar(100) NOT NULL in the database, schema.prisma expects varchar(120) NOT NULL",
    ]);
  });

  it("would be caught with a dropped unique constraint", async () => {
    const edited = editSchema(schemaText, /(\n\s+email\s+String\s+)@unique /, "$1");
    const differences = diffSchemas(await expectedSchema(edited), await liveSchema(db.url));
    expect(differences).toEqual([
      "User: unique index User_email_key (email) is in the database but not in schema.prisma",
    ]);
  });
});

// Later models will use relations, enums, Json, BigInt, Decimal, Bytes, @map and friends: this schema and
// the SQL `prisma migrate dev` generates for it pin down how each one looks in MariaDB's information_schema.
const RICH_SCHEMA = `
datasource db {
  provider = "mysql"
}

enum Role {
  OWNER
  MEMBER @map("member")
}

model Org {
  id        Int      @id @default(autoincrement()) @db.UnsignedInt
  slug      String   @unique(map: "org_slug_uq")
  name      String   @map("display_name") @db.Text
  settings  Json?
  logo      Bytes?
  balance   Decimal  @default(0) @db.Decimal(12, 2)
  ratio     Decimal
  views     BigInt   @default(0)
  score     Float
  small     Int      @db.SmallInt
  flag      Boolean  @default(false) @db.TinyInt
  founded   DateTime @db.Date
  touchedAt DateTime @db.Timestamp(0)
  code      String   @db.Char(3)
  parentId  Int?     @db.UnsignedInt
  parent    Org?     @relation("tree", fields: [parentId], references: [id])
  children  Org[]    @relation("tree")
  members   Member[]
  tags      Tag[]
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt

  @@index([name(length: 10)])
  @@map("orgs")
}

model Member {
  orgId  Int     @db.UnsignedInt
  userId String  @db.VarChar(30)
  role   Role    @default(MEMBER)
  org    Org     @relation(fields: [orgId], references: [id], onDelete: Cascade)
  user   Person  @relation(fields: [userId], references: [id], map: "member_person_fk") // not this: map: "nope"
  note   String? @db.VarChar(500)

  @@id([orgId, userId])
  @@unique([userId, role], map: "member_user_role")
  @@index([role])
}

model Person {
  id           String   @id @db.VarChar(30)
  email        String   @db.VarChar(254)
  tenant       Int
  bestFriendId String?  @db.VarChar(30)
  bestFriend   Person?  @relation("friends", fields: [bestFriendId], references: [id], onDelete: SetNull, onUpdate: NoAction)
  friendOf     Person[] @relation("friends")
  members      Member[]

  @@unique([tenant, email], name: "tenantEmail")
}

model Tag {
  id    Int    @id @default(autoincrement())
  label String @db.VarChar(50)
  orgs  Org[]

  @@fulltext([label])
}
`;

// Written with "double quotes" for readability; Prisma's backticks are put back below. The foreign keys on
// orgs.parentId and Person.bestFriendId have no index here on purpose: MariaDB adds one named after the key.
const RICH_MIGRATION = `
-- CreateTable
CREATE TABLE "orgs" (
    "id" INTEGER UNSIGNED NOT NULL AUTO_INCREMENT,
    "slug" VARCHAR(191) NOT NULL,
    "display_name" TEXT NOT NULL,
    "settings" JSON NULL,
    "logo" LONGBLOB NULL,
    "balance" DECIMAL(12, 2) NOT NULL DEFAULT 0,
    "ratio" DECIMAL(65, 30) NOT NULL,
    "views" BIGINT NOT NULL DEFAULT 0,
    "score" DOUBLE NOT NULL,
    "small" SMALLINT NOT NULL,
    "flag" BOOLEAN NOT NULL DEFAULT false,
    "founded" DATE NOT NULL,
    "touchedAt" TIMESTAMP(0) NOT NULL,
    "code" CHAR(3) NOT NULL,
    "parentId" INTEGER UNSIGNED NULL,
    "createdAt" DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    "updatedAt" DATETIME(3) NOT NULL,

    UNIQUE INDEX "org_slug_uq"("slug"),
    INDEX "orgs_display_name_idx"("display_name"(10)),
    PRIMARY KEY ("id")
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE "Member" (
    "orgId" INTEGER UNSIGNED NOT NULL,
    "userId" VARCHAR(30) NOT NULL,
    "role" ENUM('OWNER', 'member') NOT NULL DEFAULT 'member',
    "note" VARCHAR(500) NULL,

    UNIQUE INDEX "member_user_role"("userId", "role"),
    INDEX "Member_role_idx"("role"),
    PRIMARY KEY ("orgId", "userId")
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE "Person" (
    "id" VARCHAR(30) NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "tenant" INTEGER NOT NULL,
    "bestFriendId" VARCHAR(30) NULL,

    UNIQUE INDEX "Person_tenant_email_key"("tenant", "email"),
    PRIMARY KEY ("id")
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE "Tag" (
    "id" INTEGER NOT NULL AUTO_INCREMENT,
    "label" VARCHAR(50) NOT NULL,

    FULLTEXT INDEX "Tag_label_idx"("label"),
    PRIMARY KEY ("id")
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE "_OrgToTag" (
    "A" INTEGER UNSIGNED NOT NULL,
    "B" INTEGER NOT NULL,

    UNIQUE INDEX "_OrgToTag_AB_unique"("A", "B"),
    INDEX "_OrgToTag_B_index"("B")
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "orgs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "orgs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "member_person_fk" FOREIGN KEY ("userId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_bestFriendId_fkey" FOREIGN KEY ("bestFriendId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "_OrgToTag" ADD CONSTRAINT "_OrgToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "orgs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_OrgToTag" ADD CONSTRAINT "_OrgToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`.replaceAll('"', "`");

describe("schema drift on the general case", () => {
  let db: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "stratus-drift-"));
    await mkdir(path.join(dir, "0001_rich"));
    await writeFile(path.join(dir, "0001_rich", "migration.sql"), RICH_MIGRATION);
    db = await createThrowawayDatabase();
    await migrate({ url: db.url, migrationsDir: dir });
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("maps relations, enums, native types, @map, implicit many-to-many tables and foreign key indexes", async () => {
    const expected = await expectedSchema(RICH_SCHEMA);
    expect(diffSchemas(expected, await liveSchema(db.url))).toEqual([]);
    // Guard against a vacuous pass: the comparison saw the parts it claims to understand.
    const orgs = expected.tables.find((table) => table.name === "orgs");
    expect(orgs?.columns.find((column) => column.name === "settings")?.type).toBe("json");
    expect(orgs?.indexes.map((index) => index.name)).toContain("orgs_parentId_fkey");
    expect(expected.tables.map((table) => table.name)).toContain("_OrgToTag");
  });

  it("reports changed referential actions, enum values and nullability", async () => {
    let edited = editSchema(RICH_SCHEMA, /onDelete: Cascade/, "onDelete: Restrict");
    edited = editSchema(edited, /\n {2}OWNER\n/, "\n  Owner\n");
    edited = editSchema(
      edited,
      /code {6}String {3}@db\.Char\(3\)/,
      "code      String?  @db.Char(3)",
    );
    expect(diffSchemas(await expectedSchema(edited), await liveSchema(db.url))).toEqual([
      "orgs: column code is char(3) NOT NULL in the database, schema.prisma expects char(3) NULL",
      "Member: column role is enum('OWNER','member') NOT NULL in the database, schema.prisma expects enum('Owner','member') NOT NULL",
      "Member: foreign key Member_orgId_fkey is (orgId) REFERENCES orgs(id) ON DELETE CASCADE ON UPDATE CASCADE in the database, " +
        "schema.prisma expects (orgId) REFERENCES orgs(id) ON DELETE RESTRICT ON UPDATE CASCADE",
    ]);
  });
});

describe("normaliseColumnType", () => {
  it("drops MariaDB's display widths but keeps what tells types apart", () => {
    expect(normaliseColumnType("int(11)")).toBe("int");
    expect(normaliseColumnType("bigint(20) unsigned")).toBe("bigint unsigned");
    expect(normaliseColumnType("tinyint(1)")).toBe("tinyint(1)");
    expect(normaliseColumnType("tinyint(4)")).toBe("tinyint");
    expect(normaliseColumnType("DECIMAL(10, 2)")).toBe("decimal(10,2)");
    expect(normaliseColumnType("datetime(0)")).toBe("datetime");
    expect(normaliseColumnType("year(4)")).toBe("year");
    expect(normaliseColumnType("ENUM('A','b')")).toBe("enum('A','b')");
  });
});
