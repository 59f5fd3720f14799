// Compares the tables schema.prisma describes with the tables a database really has, so a hand-written
// migration that disagrees with the schema fails a test instead of surprising Prisma Client at run time.
// `prisma migrate diff` would do this, but its schema engine is a native binary we cannot install here.
import internals from "@prisma/internals";
import type { Connection } from "mariadb";
import { z } from "zod";
import { closeQuietly, connect, parseDatabaseUrl } from "./migrate";

// @prisma/internals is CommonJS; its named exports are only reachable through the default export from ESM.
const { getDMMF } = internals;

export type ColumnShape = { name: string; type: string; nullable: boolean; autoIncrement: boolean };
/** Index columns read `name`, `name(10)` for a prefix length, `name DESC` for a descending column. */
export type IndexShape = { name: string; columns: string[] };
export type NonUniqueIndexShape = IndexShape & { fulltext: boolean };
export type ForeignKeyShape = {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
};
export type TableShape = {
  name: string;
  columns: ColumnShape[];
  primaryKey: string[];
  uniqueIndexes: IndexShape[];
  indexes: NonUniqueIndexShape[];
  foreignKeys: ForeignKeyShape[];
};
export type SchemaShape = { tables: TableShape[] };

const MIGRATIONS_TABLE = "_prisma_migrations";
const MAX_IDENTIFIER_BYTES = 64; // MySQL and MariaDB

// ---------------------------------------------------------------------------------------------------------
// Column types

/**
 * One spelling per type on both sides: MariaDB shows integer display widths (`int(11)`) that MySQL 8
 * dropped, `year(4)`, and `datetime` for `DATETIME(0)`. `tinyint(1)` keeps its width: it is how both
 * servers tell a Boolean from a TinyInt.
 */
export function normaliseColumnType(type: string): string {
  // Enum values are case-sensitive data: only the keyword is normalised.
  const enumValues = /^\s*(enum|set)\s*(\(.*\))\s*$/is.exec(type);
  if (enumValues) return `${enumValues[1]?.toLowerCase()}${enumValues[2]}`;
  const t = type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*,\s*/g, ",");
  if (/^tinyint\(1\)$/.test(t)) return t;
  return t
    .replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, "$1")
    .replace(/^integer\b/, "int")
    .replace(/^year\(4\)$/, "year")
    .replace(/^(datetime|timestamp|time)\(0\)$/, "$1");
}

const quoteSqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

type NativeType = readonly [string, readonly string[]];

// Prisma's MySQL renderer (render_column_type), in the spelling information_schema uses.
function nativeColumnType([name, args]: NativeType, prismaType: string): string {
  const [first, second] = args;
  const sized = (sqlName: string) => (first === undefined ? sqlName : `${sqlName}(${first})`);
  switch (name) {
    case "Int":
      return "int";
    case "SmallInt":
      return "smallint";
    case "MediumInt":
      return "mediumint";
    case "BigInt":
      return "bigint";
    case "TinyInt":
      // Prisma renders a Boolean stored as TINYINT as BOOLEAN, which is tinyint(1).
      return prismaType === "Boolean" ? "tinyint(1)" : "tinyint";
    case "UnsignedInt":
      return "int unsigned";
    case "UnsignedSmallInt":
      return "smallint unsigned";
    case "UnsignedMediumInt":
      return "mediumint unsigned";
    case "UnsignedBigInt":
      return "bigint unsigned";
    case "UnsignedTinyInt":
      return "tinyint unsigned";
    case "Decimal":
      // A bare DECIMAL is DECIMAL(10,0) on MySQL and MariaDB.
      return first === undefined ? "decimal(10,0)" : `decimal(${first},${second ?? "0"})`;
    case "Float":
      return "float";
    case "Double":
      return "double";
    case "Bit":
      return sized("bit");
    case "Char":
      return sized("char");
    case "VarChar":
      return sized("varchar");
    case "Binary":
      return sized("binary");
    case "VarBinary":
      return sized("varbinary");
    case "Time":
      return sized("time");
    case "DateTime":
      return sized("datetime");
    case "Timestamp":
      return sized("timestamp");
    case "TinyBlob":
    case "Blob":
    case "MediumBlob":
    case "LongBlob":
    case "TinyText":
    case "Text":
    case "MediumText":
    case "LongText":
    case "Date":
    case "Year":
    case "Json":
      return name.toLowerCase();
    default:
      // Failing loudly beats a comparison that silently ignores a column.
      throw new Error(`schema-drift does not know the MySQL native type @db.${name}`);
  }
}

// Prisma's default native type for each scalar on MySQL.
const DEFAULT_COLUMN_TYPES: Record<string, string> = {
  String: "varchar(191)",
  Boolean: "tinyint(1)",
  Int: "int",
  BigInt: "bigint",
  Float: "double",
  Decimal: "decimal(65,30)",
  DateTime: "datetime(3)",
  // MariaDB stores JSON as LONGTEXT plus a json_valid() check; liveSchema reports that pair as json.
  Json: "json",
  Bytes: "longblob",
};

// ---------------------------------------------------------------------------------------------------------
// Constraint names (Prisma's psl `ConstraintNames`)

/** Cuts a name to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateBytes(name: string, maxBytes: number): string {
  let out = "";
  for (const char of name) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

function defaultConstraintName(
  table: string,
  columns: readonly string[],
  suffix: "_key" | "_idx" | "_fkey",
): string {
  const base = `${table}_${columns.join("_")}`;
  const limit = MAX_IDENTIFIER_BYTES - suffix.length;
  return `${Buffer.byteLength(base) >= limit ? truncateBytes(base, limit) : base}${suffix}`;
}

// ---------------------------------------------------------------------------------------------------------
// Expected schema, from schema.prisma

type Datamodel = Awaited<ReturnType<typeof getDMMF>>["datamodel"];
type DmmfModel = Datamodel["models"][number];
type DmmfField = DmmfModel["fields"][number];

/** Strips `//` comments outside string literals, keeping line structure. */
function stripComments(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const char = line[i];
        if (char === "\\" && inString) i++;
        else if (char === '"') inString = !inString;
        else if (!inString && char === "/" && line[i + 1] === "/") return line.slice(0, i);
      }
      return line;
    })
    .join("\n");
}

/**
 * Foreign key names given with `@relation(..., map: "name")`. The DMMF leaves them out, so they are read
 * from the schema text: `Model.field` -> constraint name.
 */
function relationConstraintNames(text: string): Map<string, string> {
  const names = new Map<string, string>();
  let model: string | undefined;
  for (const line of stripComments(text).split("\n")) {
    const opening = /^\s*model\s+(\w+)\s*\{/.exec(line);
    if (opening) {
      model = opening[1];
      continue;
    }
    if (/^\s*\}/.test(line)) {
      model = undefined;
      continue;
    }
    const field = /^\s*(\w+)\s+\S/.exec(line)?.[1];
    const relation = line.indexOf("@relation(");
    if (!model || !field || relation < 0) continue;
    const args = attributeArguments(line, relation + "@relation".length);
    const map = /\bmap\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(args)?.[1];
    if (map !== undefined) names.set(`${model}.${field}`, map);
  }
  return names;
}

/** The text between the parenthesis at `open` and its match, so a later `@unique(map: ...)` is not read. */
function attributeArguments(line: string, open: number): string {
  let depth = 0;
  let inString = false;
  for (let i = open; i < line.length; i++) {
    const char = line[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "(") depth++;
    else if (char === ")" && --depth === 0) return line.slice(open + 1, i);
  }
  return line.slice(open + 1);
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

function referentialAction(action: string): string {
  const sql = REFERENTIAL_ACTIONS[action];
  if (sql === undefined)
    throw new Error(`schema-drift does not know the referential action ${action}`);
  return sql;
}

function isAutoincrement(field: DmmfField): boolean {
  const fieldDefault = field.default;
  return (
    typeof fieldDefault === "object" &&
    !Array.isArray(fieldDefault) &&
    "name" in fieldDefault &&
    fieldDefault.name === "autoincrement"
  );
}

/** True when an index can serve the foreign key: its leading columns are the key's columns, unprefixed. */
function indexCovers(indexColumns: readonly string[], fkColumns: readonly string[]): boolean {
  return fkColumns.every((column, i) => indexColumns[i] === column);
}

class ExpectedSchemaBuilder {
  private readonly models: Map<string, DmmfModel>;
  private readonly enums: Map<string, string[]>;

  constructor(
    private readonly datamodel: Datamodel,
    private readonly fkNames: Map<string, string>,
    private readonly foreignKeysEnabled: boolean,
  ) {
    this.models = new Map(datamodel.models.map((model) => [model.name, model]));
    this.enums = new Map(
      datamodel.enums.map((e) => [e.name, e.values.map((value) => value.dbName ?? value.name)]),
    );
  }

  build(): SchemaShape {
    const tables = this.datamodel.models.map((model) => this.modelTable(model));
    return { tables: [...tables, ...this.joinTables()] };
  }

  private model(name: string): DmmfModel {
    const model = this.models.get(name);
    if (!model) throw new Error(`schema-drift: unknown model ${name}`);
    return model;
  }

  private field(model: DmmfModel, name: string): DmmfField {
    const field = model.fields.find((f) => f.name === name);
    if (!field) throw new Error(`schema-drift: unknown field ${model.name}.${name}`);
    return field;
  }

  private tableName = (model: DmmfModel) => model.dbName ?? model.name;
  private columnName = (model: DmmfModel, fieldName: string) => {
    const field = this.field(model, fieldName);
    return field.dbName ?? field.name;
  };

  private columnType(field: DmmfField): string {
    if (field.kind === "enum") {
      const values = this.enums.get(field.type);
      if (!values) throw new Error(`schema-drift: unknown enum ${field.type}`);
      return `enum(${values.map(quoteSqlString).join(",")})`;
    }
    if (field.nativeType) return nativeColumnType(field.nativeType, field.type);
    const type = DEFAULT_COLUMN_TYPES[field.type];
    if (type === undefined)
      throw new Error(`schema-drift does not know the Prisma type ${field.type}`);
    return type;
  }

  private modelTable(model: DmmfModel): TableShape {
    const table = this.tableName(model);
    const columns = model.fields
      .filter((field) => field.kind === "scalar" || field.kind === "enum")
      .map((field) => ({
        name: field.dbName ?? field.name,
        type: normaliseColumnType(this.columnType(field)),
        nullable: !field.isRequired,
        autoIncrement: isAutoincrement(field),
      }));

    const indexColumns = (fields: Datamodel["indexes"][number]["fields"]) =>
      fields.map((f) => {
        const name = this.columnName(model, f.name);
        return `${name}${f.length === undefined ? "" : `(${f.length})`}${f.sortOrder === "desc" ? " DESC" : ""}`;
      });
    const modelIndexes = this.datamodel.indexes.filter((index) => index.model === model.name);

    const primaryKey = modelIndexes
      .filter((index) => index.type === "id")
      .flatMap((index) => indexColumns(index.fields));
    const uniqueIndexes: IndexShape[] = [];
    const indexes: NonUniqueIndexShape[] = [];
    for (const index of modelIndexes) {
      if (index.type === "id") continue;
      const cols = indexColumns(index.fields);
      const plainCols = index.fields.map((f) => this.columnName(model, f.name));
      const name =
        index.dbName ??
        defaultConstraintName(table, plainCols, index.type === "unique" ? "_key" : "_idx");
      if (index.type === "unique") uniqueIndexes.push({ name, columns: cols });
      else indexes.push({ name, columns: cols, fulltext: index.type === "fulltext" });
    }

    const foreignKeys = this.foreignKeysEnabled ? this.foreignKeys(model) : [];
    // MySQL needs an index behind every foreign key and creates one, named after the constraint, when no
    // existing index (the primary key included) starts with the key's columns.
    for (const fk of foreignKeys) {
      const candidates = [primaryKey, ...uniqueIndexes.map((i) => i.columns)];
      candidates.push(...indexes.filter((i) => !i.fulltext).map((i) => i.columns));
      if (!candidates.some((cols) => indexCovers(cols, fk.columns))) {
        indexes.push({ name: fk.name, columns: [...fk.columns], fulltext: false });
      }
    }

    return { name: table, columns, primaryKey, uniqueIndexes, indexes, foreignKeys };
  }

  private foreignKeys(model: DmmfModel): ForeignKeyShape[] {
    const table = this.tableName(model);
    return model.fields
      .filter((field) => field.kind === "object" && (field.relationFromFields?.length ?? 0) > 0)
      .map((field) => {
        const target = this.model(field.type);
        const columns = (field.relationFromFields ?? []).map((name) =>
          this.columnName(model, name),
        );
        return {
          name:
            this.fkNames.get(`${model.name}.${field.name}`) ??
            defaultConstraintName(table, columns, "_fkey"),
          columns,
          referencedTable: this.tableName(target),
          referencedColumns: (field.relationToFields ?? []).map((name) =>
            this.columnName(target, name),
          ),
          // Prisma's defaults: a required relation restricts deletes, an optional one nulls the key.
          onDelete: referentialAction(
            field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull"),
          ),
          onUpdate: referentialAction(field.relationOnUpdate ?? "Cascade"),
        };
      });
  }

  // Implicit many-to-many relations get a `_RelationName` table with columns A and B (A = the model whose
  // name sorts first), as Prisma's sql_schema_calculator builds it on MySQL.
  private joinTables(): TableShape[] {
    const seen = new Set<string>();
    const tables: TableShape[] = [];
    for (const model of this.datamodel.models) {
      for (const field of model.fields) {
        if (
          field.kind !== "object" ||
          !field.isList ||
          !field.relationName ||
          seen.has(field.relationName)
        )
          continue;
        const other = this.model(field.type).fields.find(
          (f) => f.relationName === field.relationName && f !== field && f.kind === "object",
        );
        if (!other?.isList) continue;
        seen.add(field.relationName);
        const [modelA, modelB] = [model, this.model(field.type)].sort((a, b) =>
          a.name < b.name ? -1 : 1,
        );
        if (!modelA || !modelB) continue;
        tables.push(this.joinTable(field.relationName, modelA, modelB));
      }
    }
    return tables;
  }

  private joinTable(relationName: string, modelA: DmmfModel, modelB: DmmfModel): TableShape {
    const name = [...`_${relationName}`].slice(0, MAX_IDENTIFIER_BYTES).join("");
    const idOf = (model: DmmfModel) => {
      const id = this.datamodel.indexes.find(
        (index) => index.model === model.name && index.type === "id",
      );
      const fieldName = id?.fields[0]?.name;
      if (!fieldName)
        throw new Error(`schema-drift: ${model.name} has no id for its many-to-many relation`);
      return this.field(model, fieldName);
    };
    const [idA, idB] = [idOf(modelA), idOf(modelB)];
    const maxTableName = MAX_IDENTIFIER_BYTES - "_fkey".length - 2;
    const fk = (column: "A" | "B", model: DmmfModel, id: DmmfField): ForeignKeyShape => ({
      name: `${name.length > maxTableName ? name.slice(0, maxTableName) : name}_${column}_fkey`,
      columns: [column],
      referencedTable: this.tableName(model),
      referencedColumns: [id.dbName ?? id.name],
      onDelete: "CASCADE",
      onUpdate: "CASCADE",
    });
    return {
      name,
      columns: [
        {
          name: "A",
          type: normaliseColumnType(this.columnType(idA)),
          nullable: false,
          autoIncrement: false,
        },
        {
          name: "B",
          type: normaliseColumnType(this.columnType(idB)),
          nullable: false,
          autoIncrement: false,
        },
      ],
      primaryKey: [],
      uniqueIndexes: [
        {
          name: `${[...name].slice(0, MAX_IDENTIFIER_BYTES - 10).join("")}_AB_unique`,
          columns: ["A", "B"],
        },
      ],
      indexes: [
        {
          name: `${[...name].slice(0, MAX_IDENTIFIER_BYTES - 8).join("")}_B_index`,
          columns: ["B"],
          fulltext: false,
        },
      ],
      foreignKeys: this.foreignKeysEnabled ? [fk("A", modelA, idA), fk("B", modelB, idB)] : [],
    };
  }
}

/** The tables `prisma migrate` would create on MySQL/MariaDB for this schema.prisma text. */
export async function expectedSchema(schemaPrismaText: string): Promise<SchemaShape> {
  const text = stripComments(schemaPrismaText);
  const provider = /datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*"([^"]+)"/.exec(text)?.[1];
  if (provider !== "mysql")
    throw new Error(`schema-drift compares MySQL schemas; this schema's provider is ${provider}`);
  // With relationMode = "prisma" the database has no foreign keys (and so no indexes made for them).
  const foreignKeysEnabled = !/\brelationMode\s*=\s*"prisma"/.test(text);

  const { datamodel } = await getDMMF({ datamodel: schemaPrismaText });
  return new ExpectedSchemaBuilder(
    datamodel,
    relationConstraintNames(schemaPrismaText),
    foreignKeysEnabled,
  ).build();
}

// ---------------------------------------------------------------------------------------------------------
// Live schema, from information_schema

const ColumnRow = z.object({
  tableName: z.string(),
  columnName: z.string(),
  columnType: z.string(),
  isNullable: z.enum(["YES", "NO"]),
  extra: z.string().nullable(),
});
const CheckRow = z.object({ tableName: z.string(), checkClause: z.string() });
const IndexRow = z.object({
  tableName: z.string(),
  indexName: z.string(),
  nonUnique: z.coerce.number(),
  columnName: z.string().nullable(),
  subPart: z.coerce.number().nullable(),
  collation: z.string().nullable(),
  indexType: z.string(),
});
const ForeignKeyRow = z.object({
  tableName: z.string(),
  constraintName: z.string(),
  columnName: z.string(),
  referencedTable: z.string(),
  referencedColumn: z.string(),
  updateRule: z.string(),
  deleteRule: z.string(),
});

async function select<T>(conn: Connection, schema: z.ZodType<T>, sql: string): Promise<T[]> {
  const rows: unknown = await conn.query(sql);
  return z.array(schema).parse(rows);
}

// MariaDB added CHECK_CONSTRAINTS.TABLE_NAME in 10.2; MySQL's table lacks it but reports json natively.
async function jsonChecks(conn: Connection): Promise<z.infer<typeof CheckRow>[]> {
  try {
    return await select(
      conn,
      CheckRow,
      `SELECT TABLE_NAME AS tableName, CHECK_CLAUSE AS checkClause
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
    );
  } catch {
    return [];
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** The tables of the database at `url` (except Prisma's bookkeeping table), in the same shape as expectedSchema. */
export async function liveSchema(url: string): Promise<SchemaShape> {
  const conn = await connect(parseDatabaseUrl(url));
  try {
    const tableNames = (
      await select(
        conn,
        z.object({ tableName: z.string() }),
        `SELECT TABLE_NAME AS tableName FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
      )
    )
      .map((row) => row.tableName)
      .filter((name) => name !== MIGRATIONS_TABLE);
    const columns = groupBy(
      await select(
        conn,
        ColumnRow,
        `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, COLUMN_TYPE AS columnType,
                IS_NULLABLE AS isNullable, EXTRA AS extra
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      ),
      (row) => row.tableName,
    );
    const checks = groupBy(await jsonChecks(conn), (row) => row.tableName);
    const indexRows = groupBy(
      await select(
        conn,
        IndexRow,
        `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique, COLUMN_NAME AS columnName,
                SUB_PART AS subPart, COLLATION AS collation, INDEX_TYPE AS indexType
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
          ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      ),
      (row) => row.tableName,
    );
    const fkRows = groupBy(
      await select(
        conn,
        ForeignKeyRow,
        `SELECT k.TABLE_NAME AS tableName, k.CONSTRAINT_NAME AS constraintName, k.COLUMN_NAME AS columnName,
                k.REFERENCED_TABLE_NAME AS referencedTable, k.REFERENCED_COLUMN_NAME AS referencedColumn,
                r.UPDATE_RULE AS updateRule, r.DELETE_RULE AS deleteRule
           FROM information_schema.KEY_COLUMN_USAGE k
           JOIN information_schema.REFERENTIAL_CONSTRAINTS r
             ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
            AND r.TABLE_NAME = k.TABLE_NAME
          WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
          ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      ),
      (row) => row.tableName,
    );

    return {
      tables: tableNames.map((name) =>
        liveTable(
          name,
          columns.get(name) ?? [],
          checks.get(name) ?? [],
          indexRows.get(name) ?? [],
          fkRows.get(name) ?? [],
        ),
      ),
    };
  } finally {
    await closeQuietly(conn);
  }
}

function liveTable(
  name: string,
  columnRows: z.infer<typeof ColumnRow>[],
  checkRows: z.infer<typeof CheckRow>[],
  indexRows: z.infer<typeof IndexRow>[],
  fkRows: z.infer<typeof ForeignKeyRow>[],
): TableShape {
  const isJsonChecked = (column: string) =>
    checkRows.some(
      (check) =>
        check.checkClause.replaceAll("`", "").toLowerCase() ===
        `json_valid(${column.toLowerCase()})`,
    );
  const columns = columnRows.map((row) => {
    const type = normaliseColumnType(row.columnType);
    return {
      name: row.columnName,
      type: type === "longtext" && isJsonChecked(row.columnName) ? "json" : type,
      nullable: row.isNullable === "YES",
      autoIncrement: (row.extra ?? "").toLowerCase().includes("auto_increment"),
    };
  });

  let primaryKey: string[] = [];
  const uniqueIndexes: IndexShape[] = [];
  const indexes: NonUniqueIndexShape[] = [];
  for (const [indexName, rows] of groupBy(indexRows, (row) => row.indexName)) {
    const cols = rows.map(
      (row) =>
        `${row.columnName ?? "<expression>"}${row.subPart === null ? "" : `(${row.subPart})`}${row.collation === "D" ? " DESC" : ""}`,
    );
    const first = rows[0];
    if (indexName === "PRIMARY") primaryKey = cols;
    else if (first?.nonUnique === 0) uniqueIndexes.push({ name: indexName, columns: cols });
    else
      indexes.push({ name: indexName, columns: cols, fulltext: first?.indexType === "FULLTEXT" });
  }

  const foreignKeys = [...groupBy(fkRows, (row) => row.constraintName)].map(
    ([constraintName, rows]) => ({
      name: constraintName,
      columns: rows.map((row) => row.columnName),
      referencedTable: rows[0]?.referencedTable ?? "",
      referencedColumns: rows.map((row) => row.referencedColumn),
      onDelete: rows[0]?.deleteRule ?? "",
      onUpdate: rows[0]?.updateRule ?? "",
    }),
  );

  return { name, columns, primaryKey, uniqueIndexes, indexes, foreignKeys };
}

// ---------------------------------------------------------------------------------------------------------
// Differences

const list = (columns: readonly string[]) => `(${columns.join(", ")})`;
const describeColumn = (c: ColumnShape) =>
  `${c.type} ${c.nullable ? "NULL" : "NOT NULL"}${c.autoIncrement ? " AUTO_INCREMENT" : ""}`;
const describeIndex = (i: IndexShape) => list(i.columns);
const describeNonUnique = (i: NonUniqueIndexShape) =>
  `${i.fulltext ? "FULLTEXT " : ""}${list(i.columns)}`;
const describeFk = (fk: ForeignKeyShape) =>
  `${list(fk.columns)} REFERENCES ${fk.referencedTable}${list(fk.referencedColumns)} ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;

/**
 * Compares things matched by name (`what` is e.g. "User: column"). Two things differ when their descriptions
 * differ; the order of a list does not matter, the order of columns inside an index does.
 */
function diffNamed<T extends { name: string }>(
  what: string,
  expected: readonly T[],
  live: readonly T[],
  describe: (item: T) => string,
): string[] {
  const out: string[] = [];
  const liveByName = new Map(live.map((item) => [item.name, item]));
  const expectedNames = new Set(expected.map((item) => item.name));
  for (const want of expected) {
    const have = liveByName.get(want.name);
    if (!have) {
      out.push(`${what} ${want.name} ${describe(want)} is missing from the database`);
    } else if (describe(have) !== describe(want)) {
      out.push(
        `${what} ${want.name} is ${describe(have)} in the database, schema.prisma expects ${describe(want)}`,
      );
    }
  }
  for (const have of live) {
    if (!expectedNames.has(have.name)) {
      out.push(
        `${what} ${have.name} ${describe(have)} is in the database but not in schema.prisma`,
      );
    }
  }
  return out;
}

function diffTable(want: TableShape, have: TableShape): string[] {
  const t = want.name;
  const out = diffNamed(`${t}: column`, want.columns, have.columns, describeColumn);
  if (list(want.primaryKey) !== list(have.primaryKey)) {
    out.push(
      `${t}: primary key is ${list(have.primaryKey)} in the database, schema.prisma expects ${list(want.primaryKey)}`,
    );
  }
  out.push(
    ...diffNamed(`${t}: unique index`, want.uniqueIndexes, have.uniqueIndexes, describeIndex),
  );
  out.push(...diffNamed(`${t}: index`, want.indexes, have.indexes, describeNonUnique));
  out.push(...diffNamed(`${t}: foreign key`, want.foreignKeys, have.foreignKeys, describeFk));
  return out;
}

/** Human-readable differences between what schema.prisma expects and what the database has; empty when they agree. */
export function diffSchemas(expected: SchemaShape, live: SchemaShape): string[] {
  const out: string[] = [];
  const liveByName = new Map(live.tables.map((table) => [table.name, table]));
  const expectedNames = new Set(expected.tables.map((table) => table.name));
  for (const want of expected.tables) {
    const have = liveByName.get(want.name);
    if (have) out.push(...diffTable(want, have));
    else out.push(`table ${want.name} is missing from the database`);
  }
  for (const have of live.tables) {
    if (!expectedNames.has(have.name))
      out.push(`table ${have.name} is in the database but not in schema.prisma`);
  }
  return out;
}
