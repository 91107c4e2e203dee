/**
 * Packs a directory as a gzip-compressed tar archive, as SageMaker packs `/opt/ml/model` into
 * `model.tar.gz`: POSIX ustar entries named relative to the directory (`model.joblib`,
 * `code/inference.py`), directories first, names sorted; PAX headers for names longer than ustar
 * allows and for files of 8 GiB or more. Streams, so large models do not need memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';

const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777;

interface Entry {
  readonly name: string;
  readonly file: string;
  readonly stat: fs.Stats;
  readonly linkTarget?: string;
}

/** Writes `dir`'s contents to `archive` (a .tar.gz); returns the number of entries. */
export async function packTarGz(dir: string, archive: string): Promise<number> {
  const entries = walk(dir, '');
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  await pipeline(Readable.from(blocks(entries)), zlib.createGzip(), fs.createWriteStream(archive));
  return entries.length;
}

function walk(root: string, prefix: string): Entry[] {
  const out: Entry[] = [];
  const names = fs.readdirSync(path.join(root, prefix)).sort();
  for (const n of names) {
    const rel = prefix ? `${prefix}/${n}` : n;
    const file = path.join(root, rel);
    const stat = fs.lstatSync(file);
    if (stat.isDirectory()) {
      out.push({ name: `${rel}/`, file, stat });
      out.push(...walk(root, rel));
    } else if (stat.isSymbolicLink()) {
      out.push({ name: rel, file, stat, linkTarget: fs.readlinkSync(file) });
    } else if (stat.isFile()) {
      out.push({ name: rel, file, stat });
    }
  }
  return out;
}

async function* blocks(entries: Entry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    const size = e.stat.isFile() ? e.stat.size : 0;
    const type = e.stat.isDirectory() ? '5' : e.linkTarget !== undefined ? '2' : '0';
    const pax: Record<string, string> = {};
    const split = splitName(e.name);
    if (!split) pax.path = e.name;
    if (size > MAX_OCTAL_SIZE) pax.size = String(size);
    if (e.linkTarget !== undefined && Buffer.byteLength(e.linkTarget) > 100) pax.linkpath = e.linkTarget;
    if (Object.keys(pax).length > 0) {
      const body = paxBody(pax);
      yield header({ name: 'PaxHeader', prefix: '', size: body.length, type: 'x', mode: 0o644, mtime: e.stat.mtimeMs });
      yield pad(body);
    }
    const names = split ?? { name: e.name.slice(-100), prefix: '' };
    yield header({
      ...names,
      size: size > MAX_OCTAL_SIZE ? 0 : size,
      type,
      mode: e.stat.mode % 0o10000, // the permission bits
      mtime: e.stat.mtimeMs,
      linkname: e.linkTarget !== undefined && Buffer.byteLength(e.linkTarget) <= 100 ? e.linkTarget : undefined,
    });
    if (type === '0' && size > 0) {
      let written = 0;
      for await (const chunk of fs.createReadStream(e.file)) {
        written += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (written !== size) throw new Error(`${e.file} changed while it was packed (${written} bytes read, ${size} expected)`);
      if (size % BLOCK !== 0) yield Buffer.alloc(BLOCK - (size % BLOCK));
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** ustar's name/prefix split, or undefined when the name does not fit. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i >= 0 && i < name.length - 1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  return undefined;
}

/** PAX records: `<length> <key>=<value>\n`, where the length counts itself. */
function paxBody(records: Record<string, string>): Buffer {
  let text = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    text += `${len}${rest}`;
  }
  return Buffer.from(text, 'utf-8');
}

function pad(body: Buffer): Buffer {
  const padded = Buffer.alloc(Math.ceil(body.length / BLOCK) * BLOCK);
  body.copy(padded);
  return padded;
}

interface HeaderFields {
  readonly name: string;
  readonly prefix: string;
  readonly size: number;
  readonly type: string;
  readonly mode: number;
  readonly mtime: number;
  readonly linkname?: string;
}

function header(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf-8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, Math.floor(h.mtime / 1000));
  b.fill(' ', 148, 156);
  b.write(h.type, 156, 1, 'ascii');
  if (h.linkname) b.write(h.linkname, 157, 100, 'utf-8');
  b.write('ustar\u0000', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  b.write('root', 265, 32, 'ascii');
  b.write('root', 297, 32, 'ascii');
  if (h.prefix) b.write(h.prefix, 345, 155, 'utf-8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return b;
}

function octal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}
