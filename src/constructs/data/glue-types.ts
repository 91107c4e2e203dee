/**
 * The type of a Glue table column, written the way Glue (Hive DDL) names it, e.g. `bigint`,
 * `decimal(10,2)` or `array<string>`.
 */
export class GlueColumnType {
  /** `string` */
  public static readonly STRING = new GlueColumnType('string');
  /** `boolean` */
  public static readonly BOOLEAN = new GlueColumnType('boolean');
  /** `tinyint` (8-bit signed integer) */
  public static readonly TINYINT = new GlueColumnType('tinyint');
  /** `smallint` (16-bit signed integer) */
  public static readonly SMALLINT = new GlueColumnType('smallint');
  /** `int` (32-bit signed integer) */
  public static readonly INT = new GlueColumnType('int');
  /** `bigint` (64-bit signed integer) */
  public static readonly BIGINT = new GlueColumnType('bigint');
  /** `float` (32-bit floating point) */
  public static readonly FLOAT = new GlueColumnType('float');
  /** `double` (64-bit floating point) */
  public static readonly DOUBLE = new GlueColumnType('double');
  /** `date` */
  public static readonly DATE = new GlueColumnType('date');
  /** `timestamp` */
  public static readonly TIMESTAMP = new GlueColumnType('timestamp');
  /** `binary` */
  public static readonly BINARY = new GlueColumnType('binary');

  /**
   * `decimal(precision,scale)`.
   * @param precision total number of digits, 1 to 38
   * @param scale digits after the decimal point, 0 to `precision`
   */
  public static decimalOf(precision: number, scale: number): GlueColumnType {
    if (!Number.isInteger(precision) || precision < 1 || precision > 38) {
      throw new Error(`GlueColumnType.decimalOf: precision ${precision} must be a whole number from 1 to 38`);
    }
    if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`GlueColumnType.decimalOf: scale ${scale} must be a whole number from 0 to the precision (${precision})`);
    }
    return new GlueColumnType(`decimal(${precision},${scale})`);
  }

  /**
   * `varchar(length)`.
   * @param length the maximum number of characters, 1 to 65535
   */
  public static varcharOf(length: number): GlueColumnType {
    if (!Number.isInteger(length) || length < 1 || length > 65535) {
      throw new Error(`GlueColumnType.varcharOf: length ${length} must be a whole number from 1 to 65535`);
    }
    return new GlueColumnType(`varchar(${length})`);
  }

  /**
   * `char(length)`.
   * @param length the number of characters, 1 to 255
   */
  public static charOf(length: number): GlueColumnType {
    if (!Number.isInteger(length) || length < 1 || length > 255) {
      throw new Error(`GlueColumnType.charOf: length ${length} must be a whole number from 1 to 255`);
    }
    return new GlueColumnType(`char(${length})`);
  }

  /**
   * `array<itemType>`.
   * @param itemType the type of the items
   */
  public static arrayOf(itemType: GlueColumnType): GlueColumnType {
    return new GlueColumnType(`array<${itemType.typeName}>`);
  }

  /**
   * `map<keyType,valueType>`.
   * @param keyType the type of the keys (a primitive type)
   * @param valueType the type of the values
   */
  public static mapOf(keyType: GlueColumnType, valueType: GlueColumnType): GlueColumnType {
    return new GlueColumnType(`map<${keyType.typeName},${valueType.typeName}>`);
  }

  /**
   * Any other type, written as Glue names it, e.g. `struct<id:bigint,label:string>`.
   * @param typeName the Glue type name
   */
  public static of(typeName: string): GlueColumnType {
    const t = typeName.trim();
    if (!/^[a-z][a-z0-9_]*(\s*[<(].*[>)])?$/i.test(t) || !balanced(t)) {
      throw new Error(
        `GlueColumnType.of: ${JSON.stringify(typeName)} is not a Glue column type; write it as Glue names it, e.g. 'bigint', 'decimal(10,2)' or 'struct<id:bigint,label:string>'`,
      );
    }
    return new GlueColumnType(t);
  }

  /** The type as Glue names it, e.g. `decimal(10,2)`. */
  public readonly typeName: string;

  private constructor(typeName: string) {
    this.typeName = typeName;
  }
}

function balanced(text: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { '>': '<', ')': '(' };
  for (const c of text) {
    if (c === '<' || c === '(') {open.push(c);} else if (c === '>' || c === ')') {
      if (open.pop() !== pairs[c]) return false;
    }
  }
  return open.length === 0;
}

/**
 * The storage format of a table's files: the Glue classification, input/output formats and SerDe.
 */
export class TableDataFormat {
  /** Apache Parquet. */
  public static readonly PARQUET = new TableDataFormat(
    'parquet',
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  );

  /** Apache ORC. */
  public static readonly ORC = new TableDataFormat(
    'orc',
    'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
    'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat',
    'org.apache.hadoop.hive.ql.io.orc.OrcSerde',
  );

  /** Apache Avro. */
  public static readonly AVRO = new TableDataFormat(
    'avro',
    'org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat',
    'org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat',
    'org.apache.hadoop.hive.serde2.avro.AvroSerDe',
  );

  /** JSON, one object per line (OpenX JSON SerDe). */
  public static readonly JSON = new TableDataFormat(
    'json',
    'org.apache.hadoop.mapred.TextInputFormat',
    'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    'org.openx.data.jsonserde.JsonSerDe',
  );

  /** Comma-separated values without quoting (LazySimpleSerDe). */
  public static readonly CSV = new TableDataFormat(
    'csv',
    'org.apache.hadoop.mapred.TextInputFormat',
    'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
    { 'field.delim': ',' },
  );

  /** The Glue `classification` table parameter, e.g. `parquet`. */
  public readonly classification: string;
  /** The Hadoop input format class. */
  public readonly inputFormat: string;
  /** The Hadoop output format class. */
  public readonly outputFormat: string;
  /** The serialization library (SerDe) class. */
  public readonly serializationLibrary: string;
  /** Parameters of the SerDe, e.g. the field delimiter. */
  public readonly serdeParameters: { [key: string]: string };

  private constructor(
    classification: string,
    inputFormat: string,
    outputFormat: string,
    serializationLibrary: string,
    serdeParameters: { [key: string]: string } = {},
  ) {
    this.classification = classification;
    this.inputFormat = inputFormat;
    this.outputFormat = outputFormat;
    this.serializationLibrary = serializationLibrary;
    this.serdeParameters = serdeParameters;
  }
}
